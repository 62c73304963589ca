"""The layering of qa_core (docs/architecture.md), read from every module's imports (ast), so a
module that reaches into a layer above its own fails here rather than in review.

rules (pure calculation) import nothing of the store, views or io; the store imports rules only;
views import the store and rules; io imports the store and rules; packs (the meeting papers) sit
above views and io and may use both; ``errors``, ``pages`` and
``roles`` sit beside the layers (every layer may consult them). Nothing in qa_core imports
Streamlit. Lazy imports inside functions count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "qa_core"
SIDE = {"qa_core.errors", "qa_core.pages", "qa_core.roles"}
#: What each layer may import from qa_core (besides itself): module-name prefixes.
ALLOWED = {
    "qa_core.rules": {"qa_core.errors", "qa_core.rules"},
    "qa_core.store": {*SIDE, "qa_core.rules", "qa_core.store"},
    "qa_core.views": {*SIDE, "qa_core.rules", "qa_core.store", "qa_core.views"},
    "qa_core.io": {*SIDE, "qa_core.rules", "qa_core.store", "qa_core.io"},
    "qa_core.demo": {*SIDE, "qa_core.rules", "qa_core.store", "qa_core.io", "qa_core.demo"},
    "qa_core.packs": {*SIDE, "qa_core.rules", "qa_core.store", "qa_core.views", "qa_core.io", "qa_core.packs"},
    "qa_core.errors": set(),
    "qa_core.pages": set(),
    "qa_core.roles": {"qa_core.errors", "qa_core.pages"},
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module ``path`` imports, with its line; ``from qa_core.x import y`` gives
    ``qa_core.x.y`` (y may be a module or a name: both start with the module's own prefix)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            assert node.level == 0, f"{path}: relative import"
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _layer(module: str) -> str | None:
    return next((layer for layer in ALLOWED if _within(module, layer)), None)


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_is_in_a_layer_or_is_the_entry_point() -> None:
    loose = [
        _module_name(p)
        for p in MODULES
        if _layer(_module_name(p)) is None and _module_name(p) not in ("qa_core", "qa_core.__main__")
    ]
    assert loose == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_respect_the_layers(path: Path) -> None:
    module = _module_name(path)
    layer = _layer(module)
    wrong = []
    for line, name in _imports(path):
        if _within(name, "streamlit"):
            wrong.append(f"line {line}: {name} (qa_core never imports Streamlit)")
        elif layer and _within(name, "qa_core"):
            if not any(_within(name, allowed) for allowed in ALLOWED[layer]):
                wrong.append(f"line {line}: {name}")
    assert wrong == [], f"{module} ({layer or 'entry point'}) imports: {'; '.join(wrong)}"


def test_the_check_catches_what_it_should() -> None:
    # A rules module importing the store, and any module importing Streamlit, are both refused.
    assert not any(_within("qa_core.store.queries", a) for a in ALLOWED["qa_core.rules"])
    assert any(_within("qa_core.store.queries", a) for a in ALLOWED["qa_core.views"])
    assert not any(_within("qa_core.views.home", a) for a in ALLOWED["qa_core.store"])
    assert not any(_within("qa_core.io.published", a) for a in ALLOWED["qa_core.views"])
    assert _within("streamlit.testing", "streamlit") and not _within("streamlit_extras", "streamlit")
