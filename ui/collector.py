"""The server process's garbage collector, tuned once for serving pages.

Python's cyclic collector runs a young collection every 700 new container objects and, now and
then, a full one over everything alive. A page run makes tens of thousands of such objects
(Plotly's dictionaries, Streamlit's protobuf messages, pandas' frames), and the process holds
every module of Streamlit, Plotly and pandas plus the results read once per data version: on the
large demo the full collections came every few page runs and paused one for 90 to 180 ms, and
all collections together cost about 13 ms a run on average (issue 14, measured with gc.callbacks
over bench.pages' changes: 1,938 collections, 1.95 s, twelve full ones of 19 to 178 ms). Collecting
young objects every 50,000 instead leaves the same garbage collected, later and in fewer passes
(345 collections, 0.69 s, two full ones of 14 and 60 ms, the same changes): reference counting
still frees everything that is not in a cycle at once. (Freezing the objects alive at start-up
gained nothing more, and left a native library complaining of leaks at exit.) A young collection of
50,000, though, paused the run it landed in for 20 to 48 ms, and a middle one up to 83 ms: over
Clinic, Risks, Team profiles and Benchmarks' bench changes (twice each, alternating), every 10,000
instead gave young pauses of at most 8 ms (none over 10 ms; at 50,000, eight), middle ones of at most
32 ms, and less collecting in all (young 185 to 207 ms against 218 to 250, middle 115 to 126 against
178 to 224), with the pages' p50 the same or lower.

A full collection still passes over everything alive: on the large demo, once five pages had run,
about 290,000 objects, 190 to 250 ms a pass with nothing to free (measured with gc.collect() under
load), and one such pass landed in a filter change of Team profiles every bench run. Most of those
objects are the pages' modules (functions, classes) and what each page read once per data version,
all alive as long as the process. So the first run of each page in a process ends by freezing what
is alive then (``settle``): later full passes skip it (0 ms for the same heap frozen). Objects frozen
that later die in a cycle are not freed, so this happens once a page and a process, never per run:
the memory kept is bounded by eight pages' first runs. The young generations are collected first,
so the garbage of that run is not kept. Frozen objects are let go at exit.
"""

from __future__ import annotations

import atexit
import gc

__all__ = ["THRESHOLDS", "settle", "tune_for_serving"]

#: (young, middle, old) collection thresholds while serving; Python's defaults are (700, 10, 10).
THRESHOLDS = (10_000, 20, 10)
_tuned = False
_settled: set[str] = set()


def tune_for_serving() -> None:
    """Set the serving thresholds; only the first call in a process does anything."""
    global _tuned
    if not _tuned:
        _tuned = True
        gc.set_threshold(*THRESHOLDS)


def settle(page: str) -> None:
    """After a page's first run in this process: collect the young objects, then freeze what is alive."""
    if page in _settled:
        return
    _settled.add(page)
    if len(_settled) == 1:  # the first freeze: frozen objects are let go before the interpreter ends
        atexit.register(gc.unfreeze)
    gc.collect(1)
    gc.freeze()
