"""Issue 14, beyond one machine, as far as one machine can try it: two app processes ("replicas")
serving one store file, as two app servers behind a load balancer would over a shared volume
(docs/scaling.md says where that stops being enough).

* A clinic action recorded through one replica is offered by the other on its next click (the data
  version moves with every write, and each process sees it from the file).
* ``python -m qa_core report`` runs while both serve.
* The store replaced whole while they serve (``demo --force``: how a load can publish a new file)
  is what both show on their next click, with no error.

Before issue 14 the first replica held the file read-write for its whole life: the second could not
open the store at all, and ``report`` and ``demo --force`` failed with "in use by another process".
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

from bench.load import sign_in_files
from bench.streamlit_client import Session
from tests.e2e.conftest import ROOT, run_async, streamlit_server

AD = {"email": "user0@bench.example", "email_verified": True, "name": "AD"}  # bench.load.ROLE_MIX[0]
DESCRIPTION = "Check the re-referrals with the front door (recorded on replica A)"


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qa_core", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


async def _at_clinic(url: str, cookie_secret: str) -> Session:
    session = Session(url, user=AD, cookie_secret=cookie_secret)
    await session.__aenter__()
    first = await session.run()
    assert first.ok, first.errors
    clinic = await session.run("clinic", choose={"Service": "Assessment"})
    assert clinic.ok, clinic.errors
    return session


async def _scenario(a_url: str, b_url: str, cookie_secret: str, db: Path) -> dict:
    a, b = await _at_clinic(a_url, cookie_secret), await _at_clinic(b_url, cookie_secret)
    try:
        seen: dict = {}
        before = await b.run()
        seen["b_before"] = before.selects.get("Action", [])
        recorded = await a.run(fill={"What will be done": DESCRIPTION, "Owner": "Hana Holloway"},
                               press="Record action")
        seen["recorded"] = recorded
        seen["b_after"] = await b.run()
        seen["report"] = await asyncio.to_thread(_cli, "report", "audits", "--db", str(db), "--format", "json")
        home_a, home_b = await a.run(""), await b.run("")
        seen["replaced"] = await asyncio.to_thread(_cli, "demo", "--force", "--seed", "2", "--db", str(db))
        seen["homes"] = [(home_a, await a.run()), (home_b, await b.run())]
        return seen
    finally:
        await a.__aexit__(None, None, None)
        await b.__aexit__(None, None, None)


def test_two_replicas_over_one_store_see_each_others_writes_and_a_replaced_store(demo_db: Path, tmp_path: Path):
    db = tmp_path / "qa.duckdb"
    shutil.copy(demo_db, db)
    secrets, roles, cookie_secret = sign_in_files(tmp_path, 0, db, 1)
    serve = {"env": {"QA_ROLES": str(roles)}, "args": ["--secrets.files", str(secrets)]}
    with ExitStack() as stack:
        a_url = stack.enter_context(streamlit_server(db, **serve))
        b_url = stack.enter_context(streamlit_server(db, **serve))
        seen = run_async(_scenario(a_url, b_url, cookie_secret, db))

    recorded = seen["recorded"]
    assert recorded.ok and any(a.startswith("Recorded as ") for a in recorded.alerts), recorded.alerts
    assert not any(DESCRIPTION in option for option in seen["b_before"])
    after = seen["b_after"]
    assert after.ok, after.errors
    assert any(DESCRIPTION in option for option in after.selects["Action"]), after.selects.get("Action")

    report = seen["report"]
    assert report.returncode == 0, report.stderr
    assert report.stdout.lstrip().startswith("[")

    replaced = seen["replaced"]
    assert replaced.returncode == 0, replaced.stderr
    for before, after in seen["homes"]:
        assert before.ok and after.ok, (before.errors, after.errors)
        assert after.texts != before.texts  # another council's figures (seed 2), on the next click
