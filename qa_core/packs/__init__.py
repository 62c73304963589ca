"""Papers for the meeting: the packs of ``python -m qa_core pack KIND`` and of the pages'
"Download pack" buttons, as PDF (A4) or XLSX.

A layer above ``views`` and ``io`` (docs/architecture.md): each kind takes the frames the views
return for its report (never working a figure out another way), lays them out as a
:class:`~qa_core.packs.document.Pack`, and ``pdf`` or ``xlsx`` writes it. The kinds, the page
whose role rules each follows and how each is built are :data:`PACKS`; :func:`build_pack` checks
the viewer first, exactly as ``report`` does, so what a role cannot see never enters its pack.

>>> sorted(PACKS)
['audits', 'board', 'clinic', 'scrutiny', 'team']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from qa_core.errors import QAError
from qa_core.packs import audits, board, clinic, scrutiny, team
from qa_core.packs.common import PackOptions, Progress, no_progress
from qa_core.packs.document import Pack
from qa_core.pages import PAGE_KEYS
from qa_core.roles import Viewer
from qa_core.store import Store

__all__ = [
    "PackKind",
    "PACKS",
    "FORMATS",
    "PackOptions",
    "Progress",
    "build_pack",
    "pack_bytes",
    "format_for",
    "file_name",
]

Build = Callable[[Store, PackOptions, Viewer, bool, Progress, dt.date], Pack]
#: File formats, by extension.
FORMATS = {".pdf": "pdf", ".xlsx": "xlsx"}
MIME = {"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass(frozen=True)
class PackKind:
    """A pack kind: its name, the page a role must be able to open, its builder, and whether it
    may be published (disclosure control): only the scrutiny card and the team profile."""

    kind: str
    page: str
    build: Build
    publishable: bool = False

    def __post_init__(self) -> None:
        if self.page not in PAGE_KEYS:
            raise ValueError(f"Pack kind {self.kind!r} names no page: {self.page!r}.")


#: Every pack kind by name.
PACKS: dict[str, PackKind] = {
    entry.kind: entry
    for entry in (
        PackKind("clinic", "clinic", clinic.build),
        PackKind("scrutiny", "scrutiny", scrutiny.build, publishable=True),
        PackKind("board", "rag", board.build),
        PackKind("audits", "audits", audits.build),
        PackKind("team", "teams", team.build, publishable=True),
    )
}


def build_pack(
    store: Store,
    kind: str,
    options: PackOptions,
    viewer: Viewer,
    public: bool = False,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> Pack:
    """The ``kind`` pack as ``viewer`` may see it (``AccessDenied`` for a role that cannot open
    its page). ``public`` (or a viewer who only sees published figures) applies disclosure
    control; a kind that is never published refuses it rather than ignore it."""
    if kind not in PACKS:
        raise QAError(f"There is no pack {kind!r}. Packs: {', '.join(PACKS)}.")
    entry = PACKS[kind]
    viewer.require(entry.page)
    public = bool(public) or viewer.public
    if public and not entry.publishable:
        raise QAError(
            f"The {kind} pack is for council staff and is never published, so it has no "
            "disclosure-controlled version: leave --public out."
        )
    progress = progress or no_progress
    pack = entry.build(store, options, viewer, public, progress, today or dt.date.today())
    progress(1.0, "Pack ready")
    return pack


def pack_bytes(pack: Pack, fmt: str) -> bytes:
    """The pack written as ``fmt`` ('pdf' or 'xlsx')."""
    if fmt == "pdf":
        from qa_core.packs.pdf import write_pdf

        return write_pdf(pack)
    if fmt == "xlsx":
        from qa_core.packs.xlsx import write_xlsx

        return write_xlsx(pack)
    raise QAError(f"A pack is written as PDF or XLSX, not {fmt!r}.")


def format_for(path: str | Path) -> str:
    """'pdf' or 'xlsx' from the file's extension; anything else is a QAError."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise QAError(f"{Path(path).name}: a pack's file must end in .pdf or .xlsx (the extension chooses the format).")
    return FORMATS[suffix]


def file_name(pack: Pack, fmt: str) -> str:
    """The file name a download offers: e.g. 'clinic-assessment-2026-10.pdf'."""
    return f"{pack.filename}{'-published' if pack.public else ''}.{fmt}"
