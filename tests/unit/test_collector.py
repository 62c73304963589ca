"""The server's collector thresholds (``ui.collector``): set once a process, when the app first runs."""

from __future__ import annotations

import gc

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
