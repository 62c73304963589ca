"""Writing commentary so that no version is ever lost: one set-based write shared by the app's
form (``qa_core.views.commentary``) and the ``commentary`` import kind.

A staged relation holds the new texts (code, period, org_level, org_id, text, author and, when
known, written_at). A text whose key is not held is **added**; one whose text or author differs
from the current one is **replaced**: the new version is appended to ``commentary_edit`` and
becomes the current row of ``commentary``; the same text by the same author is **unchanged** and
writes nothing, so loading a file twice changes nothing. Runs inside the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

__all__ = ["KEY", "commentary_counts", "save_commentary"]

KEY = ("code", "period", "org_level", "org_id")
_JOIN = "LEFT JOIN commentary t USING (code, period, org_level, org_id)"
_CHANGED = "(t.code IS NULL OR n.text IS DISTINCT FROM t.text OR n.author IS DISTINCT FROM t.author)"


def commentary_counts(cur: Any, staged: str) -> dict[str, int]:
    """How many staged texts would be added, replaced or left unchanged."""
    row = cur.execute(
        f"SELECT count(*) FILTER (WHERE t.code IS NULL), count(*) FILTER (WHERE t.code IS NOT NULL AND {_CHANGED}), "
        f"count(*) FILTER (WHERE NOT {_CHANGED}) FROM {staged} n {_JOIN}"
    ).fetchall()[0]
    return {"added": int(row[0]), "replaced": int(row[1]), "unchanged": int(row[2])}


def save_commentary(cur: Any, staged: str, now: dt.datetime, source: str) -> dict[str, int]:
    """Append every new or changed text to the history and make it the current one; the counts.
    ``now`` dates the texts whose staged ``written_at`` is missing."""
    counts = commentary_counts(cur, staged)
    if not counts["added"] and not counts["replaced"]:
        return counts
    when = "coalesce(n.written_at, $now)"
    cur.execute(
        f"""
        INSERT INTO commentary_edit (edit_id, code, period, org_level, org_id, text, author, written_at, source)
        SELECT (SELECT coalesce(max(edit_id), 0) FROM commentary_edit)
                   + row_number() OVER (ORDER BY {when}, n.code, n.period, n.org_level, n.org_id),
               n.code, n.period, n.org_level, n.org_id, n.text, n.author, {when}, $source
        FROM {staged} n {_JOIN} WHERE {_CHANGED}
        """,
        {"now": now, "source": source},
    ).fetchall()
    cur.execute(
        f"""
        INSERT OR REPLACE INTO commentary (code, period, org_level, org_id, text, author, updated_at)
        SELECT n.code, n.period, n.org_level, n.org_id, n.text, n.author, {when}
        FROM {staged} n {_JOIN} WHERE {_CHANGED}
        """,
        {"now": now},
    ).fetchall()  # read to the end, so the cursor is free for the caller's next statement
    return counts
