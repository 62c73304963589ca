"""Issue 14: the performance team loads the month's files from the command line while the dashboard
serves ten people, one of whom records clinic actions meanwhile.

A real ``streamlit run`` (sign-in configured, as a council runs it) over a copy of the demo store;
ten signed-in sessions (``bench.streamlit_client``: the websocket a browser tab opens) keep changing
their month and service, and the assistant director keeps recording actions at the clinic, while
``python -m qa_core import`` loads November's values and audits in another process. Then:

* the command line succeeded, and the store holds every row of both files (nothing lost or half
  written), every action the app said it recorded, and one log entry per file;
* no session saw an error (a locked store, an exception, a run that did not finish);
* every session's next click after the load offers November, and the home page shows it.

Before issue 14 the app held the store read-write for its whole life: the import failed at once
("in use by another process") and nothing was loaded. The overlap is not forced: the sessions keep
clicking, and the clinic keeps writing, for as long as the command line runs.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from bench.load import sign_in_files
from bench.month_files import next_month_files
from bench.streamlit_client import Session
from qa_core.rules.periods import month_label
from qa_core.store import Store
from tests.e2e.conftest import ROOT, run_async, streamlit_server

USERS = 10  # user 0 is the assistant director (``bench.load.ROLE_MIX``), who records clinic actions


async def _import(db: Path, files: list[tuple[str, Path]]) -> list[tuple[int, str, str]]:
    """Each file through the command line, one after the other: (exit status, stdout, stderr)."""
    results = []
    for kind, path in files:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "qa_core", "import", kind, str(path), "--db", str(db), "--user", "nightly load",
            cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await proc.communicate()
        results.append((proc.returncode, out.decode(), err.decode()))
    return results


async def _timed(runs: list, number: int, session: Session, *args, **kwargs):
    """``session.run(...)``, noted in ``runs`` with when it started and ended."""
    started = time.monotonic()
    run = await session.run(*args, **kwargs)
    runs.append((number, run, started, time.monotonic()))
    return run


async def _browse(session: Session, number: int, loading: asyncio.Event, runs: list) -> None:
    """Change month and service, page after page, until the load has finished (at least once)."""
    pages = [p for p in session.pages if p in ("", "clinic", "audits", "teams", "scrutiny", "benchmarks")]
    i = 0
    while i == 0 or not loading.is_set():
        run = await _timed(runs, number, session, pages[(i + number) % len(pages)])
        months = run.selects.get("Month")
        if months:
            await _timed(runs, number, session, choose={"Month": months[(i * 5 + number) % min(len(months), 24)]})
        i += 1


async def _record_actions(session: Session, loading: asyncio.Event, runs: list, recorded: list) -> None:
    """The assistant director at the Assessment clinic, recording an action after another."""
    n = 0
    while n == 0 or not loading.is_set():
        n += 1
        run = await _timed(runs, 0, session, fill={"What will be done": f"Audit follow-up {n} during the load",
                                                   "Owner": "Hana Holloway"}, press="Record action")
        recorded += [(a, runs[-1][2], runs[-1][3]) for a in run.alerts
                     if a.startswith("Recorded as ") and " clinic, action " in a]  # its label, never its id


async def _scenario(url: str, cookie_secret: str, db: Path, files) -> tuple[list, list, list, list, tuple]:
    sessions = [Session(url, user={"email": f"user{i}@bench.example", "email_verified": True, "name": f"User {i}"},
                        cookie_secret=cookie_secret) for i in range(USERS)]
    for session in sessions:
        await session.__aenter__()
    try:
        runs: list = []
        recorded: list = []
        loading = asyncio.Event()
        window = [0.0, 0.0]
        for i, session in enumerate(sessions):  # everyone has a page open before the load starts
            await _timed(runs, i, session)
        await _timed(runs, 0, sessions[0], "clinic", choose={"Service": "Assessment"})  # the AD at the clinic

        async def load() -> list:
            window[0] = time.monotonic()
            try:
                return await _import(db, files)
            finally:
                window[1] = time.monotonic()
                loading.set()

        results, *_ = await asyncio.gather(
            load(), _record_actions(sessions[0], loading, runs, recorded),
            *(_browse(s, i, loading, runs) for i, s in enumerate(sessions) if i))
        after = [await s.run() for s in sessions]  # each one's next click after the load
        home = await sessions[1].run("", choose={"Month": month_label(pd.Timestamp("2026-11-01").date())})
        return results, runs, recorded, [*after, home], tuple(window)
    finally:
        for session in sessions:
            await session.__aexit__(None, None, None)


def test_the_command_line_loads_a_month_while_the_app_serves_ten_people(demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "qa.duckdb"
    shutil.copy(demo_db, db)
    with Store(db, read_only=True) as store:
        month, files = next_month_files(store, tmp_path / "month")
        held_before = store.scalar("SELECT count(*) FROM clinic_action")
    assert month == pd.Timestamp("2026-11-01").date()
    rows = {kind: len(pd.read_csv(path)) for kind, path in files}
    november = month_label(month)

    secrets, roles, cookie_secret = sign_in_files(tmp_path, 0, db, USERS)
    with streamlit_server(db, env={"QA_ROLES": str(roles)}, args=["--secrets.files", str(secrets)]) as url:
        results, runs, recorded, after, (load_began, load_ended) = run_async(
            _scenario(url, cookie_secret, db, files))

    for status, out, err in results:  # the command line loaded both files
        assert status == 0, err
        assert " were added, 0 replaced" in out, out
    problems = [(n, r.status, r.errors) for n, r, _, _ in runs if not r.ok]
    assert not problems, problems[:5]
    during = {n for n, _, began, ended in runs if began < load_ended and ended > load_began}
    assert during == set(range(USERS))  # every session was being answered while the command line ran
    for run in after:  # every session's next click offers November; the home page shows it
        assert run.ok, run.errors
        assert november in run.selects.get("Month", [november]), run.selects.keys()
    assert after[-1].selects["Month"][0] == november
    assert any(november in h for h in after[-1].headings + after[-1].texts), after[-1].headings

    with Store(db, read_only=True) as store:  # nothing lost or half written, on either side
        assert store.scalar("SELECT count(*) FROM indicator_value WHERE period = ?", [month]) == rows["values"]
        assert store.scalar("SELECT count(*) FROM audit WHERE date_trunc('month', audit_date) = ?", [month]) \
            == rows["audits"]
        log = store.query("SELECT kind, status, user_name FROM import_log ORDER BY import_id")
        assert log.values.tolist()[-2:] == [["values", "imported", "nightly load"],
                                            ["audits", "imported", "nightly load"]]
        assert any(began < load_ended and ended > load_began for _, began, ended in recorded)
        assert store.scalar("SELECT count(*) FROM clinic_action") == held_before + len(recorded)
        assert store.scalar("SELECT count(*) FROM clinic_action WHERE description LIKE 'Audit follow-up % during "
                            "the load'") == len(recorded)


def test_the_load_fails_plainly_while_another_process_keeps_the_store(demo_db: Path, tmp_path: Path) -> None:
    """The other side of the bound: a process that keeps the store read-write for longer than the
    wait (here 1 s) makes the command line give up with today's plain message, changing nothing."""
    db = tmp_path / "qa.duckdb"
    shutil.copy(demo_db, db)
    with Store(db, read_only=True) as store:
        _, files = next_month_files(store, tmp_path / "month")
        before = store.table_counts()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
                               "sys.stdin.read()", str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        kind, path = files[0]
        result = subprocess.run([sys.executable, "-m", "qa_core", "import", kind, str(path), "--db", str(db)],
                                cwd=ROOT, capture_output=True, text=True, timeout=120,
                                env={**os.environ, "QA_STORE_WAIT": "1"})
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert result.returncode == 1
    assert f"is in use by another process (PID {holder.pid}" in result.stderr
    assert "Nothing was changed." in result.stderr and "Traceback" not in result.stderr
    with Store(db, read_only=True) as store:
        assert store.table_counts() == before
