"""Shared fixtures.

``demo_db``: the small demo store (seed 1), built once per test session into a temporary
directory; its path. Tests must treat it as read-only (copy it to write). ``store``: that
store opened read-only, closed after the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from qa_core.demo import build_demo
from qa_core.store import Store

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of the small seed-1 demo store, built once for the whole session."""
    path = tmp_path_factory.mktemp("demo") / "qa.duckdb"
    build_demo(path, scale="small", seed=1)
    return path


@pytest.fixture
def store(demo_db: Path) -> Iterator[Store]:
    """The demo store, opened read-only."""
    opened = Store(demo_db, read_only=True)
    try:
        yield opened
    finally:
        opened.close()
