"""Shared fixtures: a private COINSOLE_HOME for every test, a fresh in-process sandbox,
and one served over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sandbox_server import Clock, Venues, running_sandbox
from tui.sandbox import Sandbox


@pytest.fixture(autouse=True)
def private_home(tmp_path_factory, monkeypatch) -> Iterator[None]:
    """Every test keeps its state (config, vault, journal, caches) in a directory of its
    own, never in the user's real one; a test may point COINSOLE_HOME elsewhere itself."""
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path_factory.mktemp("coinsole-home")))
    yield


@pytest.fixture(autouse=True)
def steady_clock_text(request, monkeypatch) -> None:
    """Snapshot tests see a fixed "updated hh:mm:ss" on the balances screen."""
    if request.module.__name__.startswith("test_snapshots"):
        monkeypatch.setattr("tui.screens.balances.clock_text", lambda _seconds: "12:00:00")


@pytest.fixture(autouse=True)
def steady_cursor(request, monkeypatch) -> None:
    """Snapshot captures see a focused Input's cursor always on: its blink timer flips the
    cursor every half second, so a capture taken more than 0.5 s after the last key (a
    loaded machine) would otherwise show it off."""
    if "snap_compare" in request.fixturenames:
        from textual.widgets import Input

        def keep_cursor_on(self: Input) -> None:
            self._cursor_visible = True

        monkeypatch.setattr(Input, "_toggle_cursor", keep_cursor_on)


@pytest.fixture(autouse=True)
def lasting_toasts(request, monkeypatch) -> None:
    """Snapshot captures see every notification raised before them: a toast's timeout
    (3 to 15 s) runs on the wall clock, so on a loaded machine it could expire between
    the step that raised it and the capture."""
    if "snap_compare" in request.fixturenames:
        from textual.notifications import Notification
        from textual.widgets._toast import Toast

        monkeypatch.setattr(Notification, "time_left", property(lambda self: self.timeout))
        monkeypatch.setattr(Toast, "_on_mount", lambda self, event: None)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """A fresh in-process :class:`Sandbox` (in-memory ledger, default seed) per test."""
    box = Sandbox()
    yield box
    box.close()


@pytest.fixture
def live_sandbox() -> Iterator[tuple[Sandbox, str]]:
    """A fresh sandbox served by uvicorn on a free loopback port: ``(sandbox, base_url)``."""
    box = Sandbox()
    with running_sandbox(box) as base_url:
        yield box, base_url
    box.close()


@pytest.fixture
def venues() -> Iterator[Venues]:
    """A fresh sandbox on a hand-moved :class:`Clock`, with signed request helpers."""
    clock = Clock()
    box = Sandbox(clock=clock)
    yield Venues(box, clock)
    box.close()


@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway PostgreSQL cluster (tests/pg_cluster.py), started once per session.
    Skips with one line saying why when none can be started; fails instead when CI=true."""
    import os

    from pg_cluster import ClusterUnavailable, start_cluster

    try:
        cluster = start_cluster()
    except ClusterUnavailable as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL tests must run in CI: {exc}", pytrace=False)
        pytest.skip(f"PostgreSQL tests skipped: {exc}")
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(pg_cluster) -> str:
    """The URL of a fresh empty database on the session's PostgreSQL cluster."""
    return pg_cluster.create_database()
