"""Snapshot tests of moving money: the confirmation modal (transfer; withdrawal with the
address-tail prompt) and the Activity screen with entries in different states.

Deterministic: the demo data is seeded, journal times are rendered by a fixed formatter,
Activity neither refreshes on a timer nor asks the venues for newer statuses, and every
capture waits for the workers. Update with ``pytest tests/test_snapshots_moves.py
--snapshot-update`` and look at the baselines before committing.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from test_app_activity import ASSETS, FUTURES, SPOT, bitunix_withdrawal, fcoin_transfer, move
from test_app_move import TRON, choose, make_app, open_form, type_into
from test_app_support import wait_loaded

from tui import journal_ui
from tui.core.moves import MoveKind
from tui.screens.activity import ActivityScreen

SIZE = (120, 36)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    """Fixed journal times and no background refresh."""
    journal_ui.set_time_format(lambda ms: "2026-01-02 03:04:05")
    monkeypatch.setattr(ActivityScreen, "refresh_seconds", None)
    monkeypatch.setattr(ActivityScreen, "reconcile_pending", False)
    yield
    journal_ui.set_time_format(None)


def test_transfer_confirmation(snap_compare) -> None:
    app, _, _ = make_app()

    async def run_before(pilot) -> None:
        form = await open_form(pilot, "transfer")
        await choose(pilot, form, "profile", "fcoin-demo")
        await choose(pilot, form, "coin", "BTC")
        await type_into(pilot, form, "amount", "1.25000001")
        await pilot.press("ctrl+s")
        await wait_loaded(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_withdrawal_confirmation_with_tail_prompt(snap_compare) -> None:
    app, _, _ = make_app()

    async def run_before(pilot) -> None:
        form = await open_form(pilot, "withdraw")
        await choose(pilot, form, "profile", "bitunix-demo")
        await choose(pilot, form, "coin", "USDT")
        await type_into(pilot, form, "address", TRON)
        await type_into(pilot, form, "amount", "25.5")
        await pilot.press("ctrl+s")
        await wait_loaded(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_withdraw_form(snap_compare) -> None:
    app, _, _ = make_app()

    async def run_before(pilot) -> None:
        form = await open_form(pilot, "withdraw")
        await choose(pilot, form, "profile", "bitunix-demo")
        await choose(pilot, form, "coin", "USDT")
        await choose(pilot, form, "network", "EOS")
        await type_into(pilot, form, "address", "coinsoledemo")
        await type_into(pilot, form, "amount", "10.1234567")
        await pilot.press("ctrl+s")
        await wait_loaded(pilot)
        # Past the Input's half-second blink: the capture must not depend on how long the
        # steps took (conftest's steady_cursor keeps the focused cursor on).
        await pilot.pause(0.6)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_activity_with_entries(snap_compare) -> None:
    app, session, _ = make_app()

    async def run_before(pilot) -> None:
        await wait_loaded(pilot)
        await fcoin_transfer(session, "0.5")
        await bitunix_withdrawal(session, "10")
        await move(session, kind=MoveKind.WITHDRAW, profile="bitunix-demo", coin="USDT",
                   amount=Decimal("5"), network="Tron (TRC-20)",
                   address="TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSF")
        session.sandbox.faults.configure("fcoin", drop_rate=1.0)
        await move(session, kind=MoveKind.TRANSFER, profile="fcoin-demo", coin="ETH",
                   amount=Decimal("1.000000000000000001"), from_account=ASSETS,
                   to_account=SPOT)
        session.sandbox.faults.configure("bitunix", drop_rate=1.0)
        await move(session, kind=MoveKind.TRANSFER, profile="bitunix-demo", coin="USDT",
                   amount=Decimal("3"), from_account=SPOT, to_account=FUTURES)
        session.sandbox.faults.configure(None, drop_rate=0.0)
        await pilot.press("4")
        await wait_loaded(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
