"""``python -m bench.load``: many people using one dashboard while the month's data is loaded.

Not a test: nothing is asserted. Starts ``streamlit run dashboard.py`` on 127.0.0.1 over the
``large`` demo store (built in a temporary folder) with sign-in configured, as a council runs it,
then N simulated users (``--users``, default 25: websocket sessions, ``bench.streamlit_client``),
signed in as a mix of roles (a role file written for them; heads of service and team managers
each with their own service or team), for ``--seconds`` walk the pages of their role, changing
the month (and service) on each, with a pause of ``--think`` seconds (on average) between clicks.
``--import-at`` seconds in, the month's files (``bench.month_files``: values and audits for the
next month) are loaded with ``python -m qa_core import`` in another process, as a nightly job would.

Prints the time to a rendered page (send to "script finished": the server's whole answer) as
p50/p95/max, split into page changes and filter changes, every error (an exception, an error
shown on the page, a run that did not finish), the import's outcome and time, whether each user
saw the new month on their first click after the import, and the server's memory (RSS, peak and
at the end). Zero errors is the bar.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bench.streamlit_client import Session

ROOT = Path(__file__).resolve().parents[1]
#: The roles of the simulated users, in turn (a council's mix: more managers than members).
ROLE_MIX = ["assistant_director", "head_of_service", "team_manager", "qa_lead", "head_of_service",
            "team_manager", "scrutiny", "qa_lead", "assistant_director", "head_of_service", "team_manager", "admin"]


@dataclass
class Tally:
    """Everything the users saw, for the report."""

    page_runs: list[float] = field(default_factory=list)
    filter_runs: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    runs: int = 0
    import_done_at: float | None = None
    new_month: str = ""
    saw_new_month: dict[int, bool] = field(default_factory=dict)  # user -> first click after the import


def sign_in_files(folder: Path, port: int, db: Path, users: int) -> tuple[Path, Path, str]:
    """A secrets file (sign-in configured, its cookie secret) and a role file for ``users`` people:
    ``user{i}@bench.example`` with the i-th role of ``ROLE_MIX`` and, where the role has one, a scope."""
    import secrets as tokens

    from qa_core.store import Store

    with Store(db, read_only=True) as store:
        services = store.query("SELECT service_id FROM service ORDER BY sort_order")["service_id"].tolist()
        teams = store.query("SELECT team_id FROM team ORDER BY team_id")["team_id"].tolist()
    cookie_secret = tokens.token_hex(24)
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{cookie_secret}"\n'
        'client_id = "qa-dashboard"\nclient_secret = "not-used"\n'
        'server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"\n', encoding="utf-8")
    lines = ["local_demo = false", ""]
    for i in range(users):
        role = ROLE_MIX[i % len(ROLE_MIX)]
        lines += [f'[users."user{i}@bench.example"]', f'role = "{role}"']
        if role == "head_of_service":
            lines.append(f'scope = "{services[i % len(services)]}"')
        elif role == "team_manager":
            lines.append(f'scope = "{teams[(i * 7) % len(teams)]}"')
        lines.append("")
    roles_file = folder / "roles.toml"
    roles_file.write_text("\n".join(lines), encoding="utf-8")
    return secrets_file, roles_file, cookie_secret


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int, script: Path = ROOT / "dashboard.py", env: dict[str, str] | None = None,
                 args: list[str] | None = None) -> subprocess.Popen:
    """``streamlit run`` on 127.0.0.1:``port`` over ``db`` (its output to a log file beside ``db``)."""
    log = open(db.with_suffix(".server.log"), "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         *(args or [])],
        cwd=ROOT, env={**os.environ, "QA_DB": str(db), **(env or {})}, stdout=log, stderr=subprocess.STDOUT)


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"streamlit exited early (status {proc.returncode})")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.1)  # polling while the server starts
    raise SystemExit("streamlit did not answer in time")


def rss_mb(pid: int) -> float:
    """Resident memory of a process (MB), from /proc."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


async def user(number: int, url: str, cookie_secret: str, until: float, think: float, tally: Tally,
               month_label: str) -> None:
    """One person, signed in as ``user{number}@bench.example``, walking their role's pages until ``until``."""
    from qa_core.roles import ROLES

    rng = random.Random(number)
    await asyncio.sleep(rng.random() * think)  # people do not all arrive in the same instant
    claims = {"email": f"user{number}@bench.example", "email_verified": True, "name": f"User {number}"}
    async with Session(url, user=claims, cookie_secret=cookie_secret) as session:
        _note(tally, number, await session.run(), None)
        keys = ROLES[ROLE_MIX[number % len(ROLE_MIX)]]
        paths = ["" if i == 0 else key for i, key in enumerate(keys)]
        while time.monotonic() < until:
            for path in paths:
                if time.monotonic() >= until:
                    break
                await asyncio.sleep(rng.uniform(0.5, 1.5) * think)
                run = await session.run(path)
                _note(tally, number, run, tally.page_runs, month_label)
                months = run.selects.get("Month")
                if months and time.monotonic() < until:
                    await asyncio.sleep(rng.uniform(0.5, 1.5) * think)
                    choose = {"Month": rng.choice(months[:24])}
                    services = run.selects.get("Service")
                    if services and path not in ("", "home"):
                        choose["Service"] = rng.choice(services[1:] or services)
                    _note(tally, number, await session.run(choose=choose), tally.filter_runs, month_label)


def _note(tally: Tally, number: int, run, times: list[float] | None, month_label: str = "") -> None:
    tally.runs += 1
    if times is not None:
        times.append(run.seconds)
    if not run.ok:
        tally.errors.append(f"user {number}: {run.status}; {'; '.join(run.errors)[:300]}")
    months = run.selects.get("Month")
    began = time.monotonic() - run.seconds
    if tally.import_done_at is not None and began > tally.import_done_at and months is not None \
            and number not in tally.saw_new_month:
        tally.saw_new_month[number] = month_label in months


async def load_month(db: Path, files: list[tuple[str, Path]], at: float, tally: Tally, report: list[str]) -> None:
    """After ``at`` seconds, import the month's files with the command line, one after the other."""
    await asyncio.sleep(at)
    started = time.monotonic()
    for kind, path in files:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "qa_core", "import", kind, str(path), "--db", str(db), "--user", "nightly load",
            cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await proc.communicate()
        summary = out.decode().strip().splitlines()[:1] or err.decode().strip().splitlines()[-1:]
        report.append(f"  import {kind}: exit {proc.returncode} in {time.monotonic() - started:.1f} s: "
                      f"{' '.join(summary)}")
        if proc.returncode != 0:
            tally.errors.append(f"import {kind} failed: {err.decode().strip()[-400:]}")
    tally.import_done_at = time.monotonic()


async def sample_rss(pid: int, until: float, peaks: list[float]) -> None:
    while time.monotonic() < until + 2:
        peaks.append(rss_mb(pid))
        await asyncio.sleep(0.5)


async def drive(url: str, pid: int, cookie_secret: str, db: Path, files, args, tally: Tally, report: list[str],
                peaks: list[float], month_label: str) -> None:
    until = time.monotonic() + args.seconds
    tasks = [user(i, url, cookie_secret, until, args.think, tally, month_label) for i in range(args.users)]
    tasks.append(load_month(db, files, args.import_at, tally, report))
    tasks.append(sample_rss(pid, until, peaks))
    results = await asyncio.gather(*tasks, return_exceptions=True)
    for i, result in enumerate(results):
        if isinstance(result, BaseException):
            tally.errors.append(f"task {i}: {type(result).__name__}: {result}")


def _times(name: str, runs: list[float]) -> str:
    if not runs:
        return f"  {name}: none"
    ms = [r * 1000 for r in runs]
    return (f"  {name}: {len(ms)} runs; p50 {statistics.median(ms):.0f} ms, p95 {np.percentile(ms, 95):.0f} ms, "
            f"max {max(ms):.0f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load")
    parser.add_argument("--users", type=int, default=25)
    parser.add_argument("--seconds", type=float, default=90.0, help="how long the users walk the pages")
    parser.add_argument("--think", type=float, default=2.0, help="average seconds between one user's clicks")
    parser.add_argument("--import-at", type=float, default=30.0, help="seconds in when the month is loaded")
    parser.add_argument("--scale", choices=["small", "large"], default="large")
    args = parser.parse_args(argv)

    from bench.month_files import next_month_files
    from qa_core.demo import build_demo
    from qa_core.rules.periods import month_label
    from qa_core.store import Store

    tmp = Path(tempfile.mkdtemp(prefix="qa-bench-load-"))
    try:
        db = tmp / "qa.duckdb"
        build_demo(db, scale=args.scale)
        with Store(db, read_only=True) as store:
            month, files = next_month_files(store, tmp / "month")
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        secrets_file, roles_file, cookie_secret = sign_in_files(tmp, port, db, args.users)
        server = start_server(db, port, env={"QA_ROLES": str(roles_file)}, args=["--secrets.files", str(secrets_file)])
        try:
            wait_healthy(url, server)
            idle = rss_mb(server.pid)
            tally, report, peaks = Tally(new_month=month_label(month)), [], []
            started = time.monotonic()
            asyncio.run(drive(url, server.pid, cookie_secret, db, files, args, tally, report, peaks,
                              month_label(month)))
            wall = time.monotonic() - started
            end_rss = rss_mb(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
        with Store(db, read_only=True) as store:
            loaded = store.scalar("SELECT count(*) FROM indicator_value WHERE period = ?", [month])
            audits = store.scalar("SELECT count(*) FROM audit WHERE date_trunc('month', audit_date) = ?", [month])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    mix = {r: sum(ROLE_MIX[i % len(ROLE_MIX)] == r for i in range(args.users)) for r in dict.fromkeys(ROLE_MIX)}
    print(f"bench.load: {args.users} signed-in users for {args.seconds:.0f} s ({wall:.0f} s with the last answers), "
          f"{args.scale} demo, one click every ~{args.think:.1f} s each; {tally.runs} runs of the app")
    print("  roles: " + ", ".join(f"{n} {r}" for r, n in mix.items()))
    print("time to a rendered page (server: click sent to run finished):")
    print(_times("page changes", tally.page_runs))
    print(_times("filter changes", tally.filter_runs))
    print(_times("all", tally.page_runs + tally.filter_runs))
    print(f"errors: {len(tally.errors)}")
    for line in tally.errors[:20]:
        print(f"  {line}")
    print(f"the month's load ({month_label(month)}) at {args.import_at:.0f} s, while serving:")
    print("\n".join(report))
    print(f"  in the store afterwards: {loaded:,} values and {audits:,} audits for {month_label(month)}")
    saw = sum(tally.saw_new_month.values())
    print(f"  users whose first click after the load showed {month_label(month)}: {saw} of {len(tally.saw_new_month)}")
    print(f"server memory (RSS): {idle:.0f} MB idle before the users, peak {max(peaks, default=0):.0f} MB, "
          f"{end_rss:.0f} MB at the end")
    print(f"nproc {os.cpu_count()}; load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
