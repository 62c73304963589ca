"""The chart library's preload (``ui.preload``): the file it names is the installed Streamlit's chart code,
found only when exactly one file is it, and the HTML holds that name and nothing from elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from ui import preload


def test_the_pinned_streamlit_has_one_chart_code_file_and_it_is_named() -> None:
    # An upgrade of Streamlit that names or splits its chart code otherwise fails here, where it would
    # otherwise quietly lose the preload.
    name = preload.chart_code()
    assert name is not None
    assert name.startswith("PlotlyChart.") and name.endswith(".js")
    assert (preload.STATIC_JS / name).is_file()


def test_no_file_or_more_than_one_is_no_preload(tmp_path: Path) -> None:
    def folder(name: str, *files: str) -> Path:
        path = tmp_path / name
        path.mkdir()
        for file in files:
            (path / file).write_text("")
        return path

    assert preload.chart_code(folder("none", "DataFrame.abc123.js", "PlotlyChart.abc123.js.map")) is None
    assert preload.chart_code(folder("one", "DataFrame.abc123.js", "PlotlyChart.abc123.js")) == "PlotlyChart.abc123.js"
    assert preload.chart_code(folder("two", "PlotlyChart.abc123.js", "PlotlyChart.def456.js")) is None
    assert preload.chart_code(tmp_path / "missing") is None


def test_the_html_imports_that_file_beside_the_frontends_entry_and_hides_its_element() -> None:
    html = preload.preload_html("PlotlyChart.D9Z0_fxz.js")
    assert "import(new URL('PlotlyChart.D9Z0_fxz.js', entry.src).href)" in html
    assert '<script type="module" data-qa-preload>' in html
    assert ":has(script[data-qa-preload]) { display: none; }" in html
    # Only a name of the build's own form reaches the HTML.
    for bad in ("PlotlyChart.x.js'); alert(1); ('", "../PlotlyChart.x.js", "Other.x.js"):
        with pytest.raises(ValueError):
            preload.preload_html(bad)
