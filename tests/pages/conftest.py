"""AppTest runs the app in this process over a private copy of the demo store."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def app_over(db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    """The app over the store ``db``, with Streamlit's caches cleared before and after."""
    monkeypatch.setenv("QA_DB", str(db))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def app(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    db = tmp_path / "qa.duckdb"
    shutil.copy(demo_db, db)
    yield from app_over(db, monkeypatch)


def walk_elements(node):
    """Every element under an AppTest node, depth first (tabs, columns and expanders included)."""
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield child
            yield from walk_elements(child)
