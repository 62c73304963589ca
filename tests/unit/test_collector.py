"""The server's collector thresholds (``ui.collector``): set once a process, when the app first runs."""

from __future__ import annotations

import gc
import weakref

from ui import collector


def test_serving_thresholds_are_set_once(monkeypatch) -> None:
    before = gc.get_threshold()
    monkeypatch.setattr(collector, "_tuned", False)
    try:
        collector.tune_for_serving()
        assert gc.get_threshold() == collector.THRESHOLDS
        gc.set_threshold(*before)
        collector.tune_for_serving()  # a second run of the app changes nothing
        assert gc.get_threshold() == before
    finally:
        gc.set_threshold(*before)


class _Node:  # an object that can sit in a reference cycle and be watched through a weak reference
    def __init__(self) -> None:
        self.other: _Node | None = None


def _dead_cycle() -> weakref.ref:
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    return weakref.ref(a)


def test_a_pages_first_run_freezes_what_is_alive_once(monkeypatch) -> None:
    monkeypatch.setattr(collector, "_settled", set())
    try:
        collector.settle("home")
        after_home = gc.get_freeze_count()
        assert after_home > 0
        kept = [[i] for i in range(1_000)]  # new objects, alive: a second run of the page leaves them young
        collector.settle("home")
        assert gc.get_freeze_count() == after_home
        collector.settle("teams")  # another page's first run freezes them too
        assert gc.get_freeze_count() >= after_home + len(kept)
    finally:
        gc.unfreeze()


def test_the_runs_garbage_is_collected_before_freezing(monkeypatch) -> None:
    # A cycle that died during the run is freed, not frozen for the life of the process.
    monkeypatch.setattr(collector, "_settled", set())
    gc.collect()
    try:
        cycle = _dead_cycle()
        assert cycle() is not None  # only the collector can free it
        collector.settle("home")
        assert cycle() is None
    finally:
        gc.unfreeze()
