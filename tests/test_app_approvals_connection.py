"""Pilot test: the Approvals screen on a real PostgreSQL team store whose connections are
cut and refused for a while (``ALLOW_CONNECTIONS false`` and every backend terminated): the
status strip says the team store is unreachable and being retried (the password in the URL
never shown), and when the server takes connections again the note clears by itself and
the queue follows other operators live again."""

from __future__ import annotations

import asyncio
import time

import psycopg
import pytest
from approvals_world import hold_transfer, write_policy
from test_app_approvals import SIZE, make_app, open_approvals
from test_app_support import wait_loaded
from textual.widgets import Static

from tui.screens.approvals import ApprovalsScreen

PATIENCE_S = 20  # a hang guard, not a speed target


@pytest.fixture(autouse=True)
def no_tick(monkeypatch):
    """No timers: only the store's change feed moves the screen."""
    monkeypatch.setattr(ApprovalsScreen, "tick_seconds", None)


def admin(pg_cluster, sql: str, *params) -> None:
    with psycopg.connect(pg_cluster.url(), autocommit=True) as conn:
        conn.execute(sql, params)


async def until(pilot, predicate) -> None:
    deadline = time.monotonic() + PATIENCE_S
    while not predicate() and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    await pilot.pause()


def strip(screen: ApprovalsScreen) -> str:
    return str(screen.query_one("#status", Static).render())


async def test_postgres_connection_loss_shows_in_the_status_strip_and_is_retried(
        tmp_path, monkeypatch, pg_cluster, pg_url) -> None:
    write_policy(tmp_path, monkeypatch)
    url = pg_url.replace("postgres@", "postgres:hunter2@")  # trust auth ignores it
    assert "hunter2" in url
    monkeypatch.setenv("COINSOLE_TEAM_STORE", url)
    dbname = pg_url.rsplit("/", 1)[1]
    app, session, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_approvals(pilot)
        assert screen._watcher is not None and screen.view.items == ()
        assert "unreachable" not in strip(screen)

        admin(pg_cluster, f'ALTER DATABASE "{dbname}" ALLOW_CONNECTIONS false')
        admin(pg_cluster, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = %s", dbname)
        await until(pilot, lambda: "unreachable" in strip(screen))
        text = strip(screen)
        assert text.startswith("team store unreachable at 127.0.0.1:") and "retrying" in text, text
        assert "hunter2" not in text
        assert screen.query_one("#status", Static).has_class("-error")

        admin(pg_cluster, f'ALTER DATABASE "{dbname}" ALLOW_CONNECTIONS true')
        await until(pilot, lambda: "unreachable" not in strip(screen))
        assert "unreachable" not in strip(screen)
        assert not screen.query_one("#status", Static).has_class("-error")

        item = hold_transfer(session)  # another operator, after the outage
        await until(pilot, lambda: screen.view is not None and screen.view.items)
        await wait_loaded(pilot)
        assert [i.id for i in screen.view.items] == [item.id]
