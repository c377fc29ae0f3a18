"""Adversarial tests across separate processes, on the SQLite store and on a real
PostgreSQL team store (parametrised; ``pytest -k postgres`` selects the PostgreSQL ones):
requests are proposed and voted on with the CLI, the store is edited behind coinsole's back
as anyone with write access to it could, and each execution is a separate
``coinsole approvals execute`` process. Nothing sends, or it sends once: the sandbox's
ledger (served over loopback HTTP) and the journal say so.

Covered: a row edited to APPROVED without votes, signatures copied to another request, a
replay after execution (execute again; edit the row back to APPROVED and execute again), an
expired request, a policy changed after approval."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from test_cli_approvals import (  # noqa: F401 - fixtures
    _approve_both,
    entries,
    fcoin_moves,
    home,
    live_profiles,
    propose,
    team,
)

ROOT = str(Path(__file__).resolve().parent.parent)


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request, team, home, monkeypatch):
    """Where the team's requests live: the SQLite store in the data directory, or a fresh
    database on the PostgreSQL cluster (``COINSOLE_TEAM_STORE``)."""
    if request.param == "sqlite":
        return "sqlite", str(home / "data" / "approvals.sqlite")
    url = request.getfixturevalue("pg_url")
    monkeypatch.setenv("COINSOLE_TEAM_STORE", url)
    return "postgres", url


def raw(backend, sql: str, params: tuple = ()) -> list[tuple]:
    """Run ``sql`` (``%s`` placeholders) on the store directly, behind coinsole's back."""
    kind, where = backend
    if kind == "sqlite":
        db = sqlite3.connect(where, isolation_level=None)
        try:
            return db.execute(sql.replace("%s", "?"), params).fetchall()
        finally:
            db.close()
    import psycopg

    with psycopg.connect(where, autocommit=True) as conn:
        cur = conn.execute(sql, params)
        return cur.fetchall() if cur.description else []


def execute(rid: str, who: str = "ann") -> tuple[int, str]:
    """``coinsole approvals execute RID`` in a process of its own."""
    env = {**os.environ, "PYTHONPATH": ROOT, "COINSOLE_OPERATOR": who}
    done = subprocess.run([sys.executable, "-m", "tui", "approvals", "execute", rid], env=env,
                          capture_output=True, text=True, timeout=120)
    return done.returncode, done.stdout + done.stderr


def sent(home, sandbox) -> tuple[list[int], int]:
    """(each journal entry's sends, the venue's transfers)."""
    return [e.attempts for e in entries(home)], len(fcoin_moves(sandbox))


def test_row_edited_to_approved_sends_nothing(backend, home, live_profiles) -> None:
    rid = propose()
    raw(backend, "UPDATE requests SET state='APPROVED' WHERE id=%s", (rid,))
    code, out = execute(rid)
    assert code == 3 and "refused, nothing sent" in out and "needs 2 of treasury" in out, out
    assert sent(home, live_profiles) == ([0], 0)


def test_signatures_copied_to_another_request_send_nothing(backend, home,
                                                           live_profiles) -> None:
    first, second = propose(), propose("160")
    _approve_both(first)
    for statement, signature in raw(backend, "SELECT statement, signature FROM signatures "
                                             "WHERE request_id=%s", (first,)):
        raw(backend, "INSERT INTO signatures (request_id, statement, signature) "
                     "VALUES (%s, %s, %s)", (second, statement, signature))
    raw(backend, "UPDATE requests SET state='APPROVED' WHERE id=%s", (second,))
    code, out = execute(second)
    assert code == 3 and "needs 2 of treasury" in out, out
    assert sent(home, live_profiles) == ([0, 0], 0)


def test_replay_after_execution_sends_once(backend, home, live_profiles) -> None:
    rid = propose()
    _approve_both(rid)
    code, out = execute(rid)
    assert code == 0, out
    assert sent(home, live_profiles) == ([1], 1)
    code, out = execute(rid, who="bob")  # the same request again, from another operator
    assert code == 3 and "DONE" in out, out
    raw(backend, "UPDATE requests SET state='APPROVED', outcome='' WHERE id=%s", (rid,))
    code, out = execute(rid, who="cat")  # the row put back to APPROVED: the journal knows
    assert code == 3 and "already executed" in out, out
    assert sent(home, live_profiles) == ([1], 1)


def test_expired_request_sends_nothing(backend, home, live_profiles) -> None:
    rid = propose()
    _approve_both(rid)
    day_and_a_bit = 25 * 3600 * 1000
    raw(backend, "UPDATE requests SET proposed_ms = proposed_ms - %s WHERE id=%s",
        (day_and_a_bit, rid))
    code, out = execute(rid)
    assert code == 3 and "expired" in out, out
    assert sent(home, live_profiles) == ([0], 0)
    [state] = raw(backend, "SELECT state FROM requests WHERE id=%s", (rid,))
    assert state == ("EXPIRED",)


def test_policy_changed_after_approval_sends_nothing(backend, home, live_profiles) -> None:
    rid = propose()
    _approve_both(rid)
    policy = home / "config" / "policy.toml"
    policy.write_text(policy.read_text().replace('min_amount = "100"', 'min_amount = "90"'))
    code, out = execute(rid)
    assert code == 3 and "policy changed" in out, out
    assert sent(home, live_profiles) == ([0], 0)


def test_the_store_holds_no_private_key_or_password(backend, home, live_profiles) -> None:
    """After a request is proposed, approved by two, executed, and another rejected, no
    operator's private key, vault passphrase, trade password or venue secret is in any row
    of any table of the store (requests, signatures, public keys only)."""
    import base64

    from tui.approvals.identity import load_key
    from tui.cli_approvals import _unlocked_resolver
    from tui.sandbox import DEMO_PROFILES

    rid = propose()
    _approve_both(rid)
    assert execute(rid)[0] == 0
    other = propose("170")
    from test_cli_approvals import run

    assert run("approvals", "reject", other, "--reason", "not today", who="bob").exit_code == 0
    resolver = _unlocked_resolver()
    try:
        privates = [load_key(resolver.vault, n).private for n in ("ann", "bob", "cat")]
    finally:
        resolver.vault.lock()
    secrets = [os.environ["COINSOLE_PASSPHRASE"], os.environ["COINSOLE_TRADE_PASSWORD"]]
    secrets += [p.secret for p in DEMO_PROFILES]
    for private in privates:
        secrets += [private.hex(), base64.b64encode(private).decode()]
    if backend[0] == "sqlite":
        tables = [t for (t,) in raw(backend, "SELECT name FROM sqlite_master WHERE type='table'")]
    else:
        tables = [t for (t,) in raw(backend, "SELECT tablename FROM pg_tables "
                                             "WHERE schemaname = 'public'")]
    assert {"requests", "signatures", "audit"} <= set(tables)
    dumped = "\n".join(repr(row) for t in tables for row in raw(backend, f"SELECT * FROM {t}"))
    assert rid in dumped and "not today" in dumped  # the dump is the store's content
    for secret in secrets:
        assert secret and secret not in dumped
