"""A process whose store watcher is never stopped still exits cleanly and promptly: the
watcher's thread is not a daemon, and threading's exit hook stops it before the interpreter
joins it and runs the C libraries' cleanup (the crash class fixed in tui/venues/tls.py).

Each case is a real child process (real PostgreSQL cluster or SQLite file) that starts a
watcher and leaves by a different door: falling off the end, ``sys.exit(0)``, an uncaught
exception. An ``atexit`` hook - which runs after non-daemon threads are joined - reports
whether the watcher's thread was still running and its connection still open by then."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = str(Path(__file__).resolve().parent.parent)
EXIT_GUARD_S = 30  # a hang guard, not a speed target: a clean exit takes well under a second

CHILD = r"""
import atexit, sys, threading

kind, target, door = sys.argv[1:4]
if kind == "postgres":
    from tui.approvals.store_postgres import PostgresStore as Store
else:
    from tui.approvals.store_sqlite import SqliteStore as Store
store = Store(target)
watcher = store.watch(lambda change: None)
thread = watcher._thread

def report():
    conn = getattr(watcher, "_conn", None) if kind == "postgres" else watcher._db
    print(f"daemon={thread.daemon} alive={thread.is_alive()} open={conn is not None}",
          flush=True)

atexit.register(report)
print("watching", flush=True)
if door == "exit":
    sys.exit(0)
if door == "raise":
    raise RuntimeError("the command failed")
"""


def run_child(kind: str, target: str, door: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": ROOT}
    return subprocess.run([sys.executable, "-c", CHILD, kind, target, door], env=env,
                          capture_output=True, text=True, timeout=EXIT_GUARD_S)


def assert_clean(done: subprocess.CompletedProcess, code: int) -> None:
    assert done.returncode == code, (done.returncode, done.stdout, done.stderr)
    assert done.stdout.splitlines() == ["watching", "daemon=False alive=False open=False"], \
        (done.stdout, done.stderr)


@pytest.mark.parametrize("door,code", [("end", 0), ("exit", 0), ("raise", 1)])
def test_postgres_watcher_never_stopped_ends_with_the_process(pg_url, door, code) -> None:
    done = run_child("postgres", pg_url, door)
    assert_clean(done, code)
    if door == "raise":
        assert "RuntimeError: the command failed" in done.stderr


@pytest.mark.parametrize("door,code", [("end", 0), ("exit", 0), ("raise", 1)])
def test_sqlite_watcher_never_stopped_ends_with_the_process(tmp_path, door, code) -> None:
    done = run_child("sqlite", str(tmp_path / "approvals.sqlite"), door)
    assert_clean(done, code)


def test_a_cli_command_on_the_postgres_team_store_exits_0(tmp_path, pg_url) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text('[[rule]]\nname = "default"\noutcome = "allow"\n', encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": ROOT, "COINSOLE_HOME": str(tmp_path),
           "COINSOLE_TEAM_STORE": pg_url, "COINSOLE_OPERATOR": "ann",
           "COINSOLE_POLICY": str(policy)}
    done = subprocess.run([sys.executable, "-m", "tui", "approvals", "list", "--json"],
                          env=env, capture_output=True, text=True, timeout=EXIT_GUARD_S)
    assert done.returncode == 0, (done.stdout, done.stderr)
    assert done.stdout.strip() == "[]"


def test_stop_all_stops_every_running_watcher(tmp_path) -> None:
    from tui.approvals import watch_thread
    from tui.approvals.store_sqlite import SqliteStore

    store = SqliteStore(str(tmp_path / "approvals.sqlite"))
    watchers = [store.watch(lambda change: None) for _ in range(2)]
    assert all(w in watch_thread.running() for w in watchers)
    assert all(not w._thread.daemon and w._thread.is_alive() for w in watchers)
    watch_thread.stop_all()
    assert not any(w in watch_thread.running() for w in watchers)
    assert not any(w._thread.is_alive() for w in watchers)
    assert "coinsole-approvals-watch" not in {t.name for t in threading.enumerate()}
    store.close()


def test_stopping_a_postgres_watcher_mid_outage_does_not_wait_out_its_retries(
        pg_cluster, pg_url) -> None:
    """While the server refuses connections the watcher retries for ``retry_for`` (30 s
    here); ``stop()`` ends it at once instead (its join allows 5 s), so an exit during an
    outage is not held up by the retries."""
    import psycopg

    from tui.approvals.store_postgres import PostgresStore

    store = PostgresStore(pg_url, retry_for=30)
    seen = []
    watcher = store.watch(seen.append)
    dbname = pg_url.rsplit("/", 1)[1]
    with psycopg.connect(pg_cluster.url(), autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{dbname}" ALLOW_CONNECTIONS false')
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE datname = %s", (dbname,))
    try:
        for _ in range(200):
            if any(c.kind == "unreachable" for c in seen):
                break
            threading.Event().wait(0.05)
        assert any(c.kind == "unreachable" for c in seen), seen
        watcher.stop()
        assert not watcher._thread.is_alive()
    finally:
        with psycopg.connect(pg_cluster.url(), autocommit=True) as admin:
            admin.execute(f'ALTER DATABASE "{dbname}" ALLOW_CONNECTIONS true')
        store.close()
