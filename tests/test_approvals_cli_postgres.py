"""The approvals commands end to end on the PostgreSQL team store: propose, two approvals,
then two `coinsole approvals execute` processes at once; one sends, the other is refused."""

import os
import subprocess
import sys
from pathlib import Path

from tui.approvals.store_postgres import PostgresStore

from test_cli_approvals import (_approve_both, entries, fcoin_moves, home, live_profiles,  # noqa: F401
                                propose, run, team)


def test_postgres_team_store_two_executor_processes_send_once(team, home, live_profiles,  # noqa: F811
                                                               pg_url, monkeypatch):
    monkeypatch.setenv("COINSOLE_TEAM_STORE", pg_url)
    rid = propose()
    store = PostgresStore(pg_url)
    assert store.get(rid).state == "PENDING_APPROVAL"
    _approve_both(rid)
    assert store.get(rid).state == "APPROVED" and len(store.signatures(rid)) == 2
    root = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": root, "COINSOLE_OPERATOR": "ann"}
    procs = [subprocess.Popen([sys.executable, "-m", "tui", "approvals", "execute", rid],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True) for _ in range(2)]
    results = sorted((p.wait(timeout=120), p.stdout.read()) for p in procs)
    assert [code for code, _ in results] == [0, 3], results
    [entry] = entries(home)
    assert entry.attempts == 1 and len(fcoin_moves(live_profiles)) == 1
    assert store.get(rid).state == "DONE"
    assert [r["event"] for r in store.audit_read()][:3] == ["proposed", "approved", "approved"]
    assert run("audit", "verify").exit_code == 0
    store.close()
