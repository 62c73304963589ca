"""ui.safe: store text escaped for Markdown places (md, md_frame) and Plotly's HTML (plain)."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from ui.safe import md, md_frame, plain

J = "\u2060"  # the invisible word joiner md puts after "https\:" and inside "www."

SCRIPT = "<script>window.__x=1</script>"
IMG = "<img src=https://evil.example/i.png onerror=window.__y=1>"
LINK = "[click](https://evil.example/l)"
IMAGE = "![im](https://evil.example/m.png)"
BARE = "https://evil.example/bare"
EMAIL = re.compile(r"[\w.+-]@[\w-]")  # what GFM's email autolink needs: no joiner after the '@'


@pytest.mark.parametrize("name", ["Assessment North", "Team (East)", "Disabilities 0-11", "Children in Care!",
                                  "Leah Carrow", "87.5% (412 of 474)"])
def test_ordinary_names_are_unchanged(name):
    assert md(name) == name
    assert plain(name) == name


def test_md_escapes_each_payload_so_it_shows_as_typed():
    # Every Markdown-special character gets a backslash; "(" and "!" do not, since with the
    # brackets escaped they cannot link.
    assert md(SCRIPT) == "\\<script\\>window.\\_\\_x=1\\</script\\>"
    assert md(LINK) == "\\[click\\](https\\:" + J + "//evil.example/l)"
    assert md(IMAGE) == "!\\[im\\](https\\:" + J + "//evil.example/m.png)"
    assert md(BARE) == "https\\:" + J + "//evil.example/bare"
    assert md(IMG) == ("\\<img src=https\\:" + J + "//evil.example/i.png onerror=window.\\_\\_y=1\\>")


def test_md_stops_www_autolinks_and_streamlit_directives():
    assert md("see www.evil.example") == "see www" + J + ".evil.example"
    assert md(":red[alarm] :material/home:") == "\\:red\\[alarm\\] \\:material/home\\:"
    assert md("$x$ *b* `c` # h | t ~s~") == "\\$x\\$ \\*b\\* \\`c\\` \\# h \\| t \\~s\\~"
    assert md("a\\b") == "a\\\\b"


def test_md_stops_email_autolinks():
    """GFM turns "x@y.example" into a mailto: link (issue 11, finding 13): a word joiner after
    the '@' keeps it text, shown as typed."""
    assert md("Write to a.b+c@evil.example today") == "Write to a.b+c@" + J + "evil.example today"
    assert md("mailto:x@evil.example") == "mailto\\:x@" + J + "evil.example"
    assert not EMAIL.search(md("x@evil.example")) and EMAIL.search("x@evil.example")


def test_md_of_nothing_is_empty():
    assert md(None) == ""
    assert md(float("nan")) == ""
    assert md(pd.NA) == ""
    assert md(3) == "3"


# Link, image and tag syntax not preceded by a backslash; a bare link scheme.
LIVE = re.compile(r"(?<!\\)\]\(|!\[|(?<!\\)<(img|script)|https?://")


def test_md_leaves_no_live_link_or_tag_syntax():
    for payload in (SCRIPT, IMG, LINK, IMAGE, BARE):
        assert LIVE.search(payload)  # the check finds each payload as it is ...
        assert not LIVE.search(md(payload)), md(payload)  # ... and nothing once escaped


def test_plain_escapes_plotly_html():
    assert plain(SCRIPT) == "&lt;script&gt;window.__x=1&lt;/script&gt;"
    assert plain('<a href="https://evil.example/l">x</a> & <b>b</b>') == (
        '&lt;a href="https://evil.example/l"&gt;x&lt;/a&gt; &amp; &lt;b&gt;b&lt;/b&gt;')
    assert plain(IMG).startswith("&lt;img ")
    assert plain(None) == "" and plain(math.nan) == ""
    assert plain(LINK) == LINK  # Markdown means nothing to Plotly


def test_md_frame_escapes_text_cells_and_headings_only():
    frame = pd.DataFrame({"Measure": [LINK, "Assessment North", None], "Value": [1.5, 2.0, math.nan],
                          "[h](https://evil.example)": ["x", "y", "z"]})
    out = md_frame(frame)
    assert out["Measure"].tolist()[:2] == [md(LINK), "Assessment North"]
    assert out["Measure"].isna().tolist() == [False, False, True]  # a missing cell stays missing
    assert out["Value"].tolist()[:2] == [1.5, 2.0]  # numbers untouched
    assert list(out.columns) == ["Measure", "Value", md("[h](https://evil.example)")]
    assert frame["Measure"].iloc[0] == LINK  # the input is not changed


def test_md_frame_only_the_columns_named():
    frame = pd.DataFrame({"a": [LINK], "b": [LINK]})
    out = md_frame(frame, ["a"])
    assert out["a"].iloc[0] == md(LINK) and out["b"].iloc[0] == LINK
