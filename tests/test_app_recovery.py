"""The TUI settles money requests a previous run left mid-flight, on start."""

from decimal import Decimal

import httpx

from test_app_support import wait_loaded, wait_until
from tui.app import CoinsoleApp
from tui.core.models import AccountKind, AccountRef
from tui.core.moves import MoveKind
from tui.demo import demo_credentials, demo_profiles
from tui.journal import EntryState, Journal, Mover
from tui.paths import app_paths
from tui.sandbox import Sandbox
from tui.session import Session


def sandbox_session(sandbox: Sandbox) -> Session:
    """A real (non-demo) session over the demo profiles, served by ``sandbox`` in process."""
    return Session(demo_profiles(), credentials=demo_credentials,
                   transport=httpx.ASGITransport(app=sandbox.app))


async def asset_center_usdt(session: Session):
    rows = await session.adapter("fcoin-demo").balances()
    return next(b for b in rows if b.coin == "USDT").available


async def test_start_settles_a_request_left_submitting(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path))
    sandbox = Sandbox()
    crashed_run = sandbox_session(sandbox)
    before = await asset_center_usdt(crashed_run)
    path = app_paths().ensure(app_paths().data_dir) / "journal.sqlite"
    mover = Mover(crashed_run, Journal(path))
    entry = mover.prepare(kind=MoveKind.TRANSFER, profile="fcoin-demo", coin="USDT",
                          amount="12.5", from_account=AccountRef(kind=AccountKind.ASSET_CENTER),
                          to_account=AccountRef(kind=AccountKind.SPOT))
    mover.approve(entry)
    # The previous run wrote SUBMITTING and stopped before (or after) sending: unknown.
    mover.journal.transition(entry.id, EntryState.SUBMITTING, sending=True,
                             detail="sending (then the process died)")
    await crashed_run.aclose()

    notices: list[str] = []
    app = CoinsoleApp(sandbox_session(sandbox), idle_lock_minutes=None)
    original = app.notify
    app.notify = lambda message, **kw: (notices.append(str(message)), original(message, **kw))
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(pilot)
        await wait_until(pilot, lambda: any("unfinished money request" in n for n in notices))

    settled = Journal(path).get(entry.id)
    assert settled.state is EntryState.ACCEPTED  # KEYED: resent with the same sourceId
    assert any("1 unfinished money request from the last run: all settled" in n for n in notices)
    check = sandbox_session(sandbox)
    assert await asset_center_usdt(check) == before - Decimal("12.5")  # moved exactly once
    await check.aclose()


async def test_start_with_nothing_unfinished_is_quiet(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path))
    notices: list[str] = []
    app = CoinsoleApp(sandbox_session(Sandbox()), idle_lock_minutes=None)
    original = app.notify
    app.notify = lambda message, **kw: (notices.append(str(message)), original(message, **kw))
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(pilot)
        await pilot.pause(0.2)
    assert not any("unfinished" in n for n in notices)
    assert not (app_paths().data_dir / "journal.sqlite").exists()
