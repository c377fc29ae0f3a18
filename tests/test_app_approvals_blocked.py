"""Pilot tests: a request the policy BLOCKS from a TUI form is never journaled - not even a
DRAFT - and never reaches the venue; the form shows the rule's reason. One test per form
that writes through the session's mover (Orders, Users flags, Finance, Org settings; the
Move money form and Payments have theirs in test_app_approvals_forms.py and
test_app_payments.py). Real journal, real policy file, the demo sandbox."""

from __future__ import annotations

from approvals_world import KEYS
from test_app_finance import A, B, finance_app, open_finance, type_path
from test_app_orders import fill_form, form, open_orders_screen, trading_app
from test_app_org_settings import SIZE as SETTINGS_SIZE
from test_app_org_settings import open_settings, settings_app
from test_app_support import screen_text, wait_loaded
from test_app_user_writes import _flags_of, _highlight
from test_app_users import SIZE as USERS_SIZE
from test_app_users import users_app

from tui.approvals.service import policy_gate
from tui.journal_ui import journal_for, mover_for
from tui.screens.order_form import OrderFormScreen

SIZE = (130, 36)


def block(tmp_path, monkeypatch, action: str, reason: str) -> None:
    """A policy in force that blocks ``action`` with ``reason`` and allows the rest."""
    ops = "\n".join(f'[operators.{n}]\npublic_key = "{pub.hex()}"\ngroups = ["ops"]\n'
                    for n, (_, pub) in KEYS.items())
    path = tmp_path / "policy.toml"
    path.write_text(ops + f'[[rule]]\nname = "frozen"\naction = "{action}"\n'
                    f'outcome = "block"\nreason = "{reason}"\n'
                    '[[rule]]\nname = "default"\noutcome = "allow"\n', encoding="utf-8")
    monkeypatch.setenv("COINSOLE_POLICY", str(path))
    monkeypatch.setenv("COINSOLE_OPERATOR", "ann")


def gate(app) -> None:
    """What a real (non-demo) session's journal binding does (tui/journal_ui.py)."""
    mover_for(app.session).policy_gate = policy_gate(journal_for(app.session))


async def test_a_blocked_order_is_not_journaled(tmp_path, monkeypatch) -> None:
    block(tmp_path, monkeypatch, "order_place", "no new orders during the audit")
    app, _ = trading_app()
    gate(app)
    async with app.run_test(size=SIZE) as pilot:
        orders = await open_orders_screen(pilot)
        before = [o.client_order_id for o in orders.table("open").records]
        screen = await form(pilot)
        await fill_form(pilot, screen, side="SELL", price="10", quantity="300")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await wait_loaded(pilot)
        assert isinstance(app.screen, OrderFormScreen)  # the form stays, saying why
        text = screen_text(app)
        assert "blocked by policy rule 'frozen': no new orders during the audit" in text, text
        assert journal_for(app.session).entries() == []
        await pilot.press("escape")
        await wait_loaded(pilot)
        assert [o.client_order_id for o in orders.table("open").records] == before


async def test_a_blocked_flag_toggle_is_not_journaled(tmp_path, monkeypatch) -> None:
    block(tmp_path, monkeypatch, "user_status", "flags are frozen")
    app, box = users_app()
    async with app.run_test(size=USERS_SIZE) as pilot:
        gate(app)
        modal, user = await _flags_of(pilot, box, 262)
        before = user.flags["SPOT_TRADE"]
        await _highlight(pilot, modal, "SPOT_TRADE")
        await pilot.press("enter", "y")
        await wait_loaded(pilot)
        assert "flags are frozen" in screen_text(app)
        assert journal_for(app.session).entries() == []
        assert box.bhex_org.find(user.user_id).flags["SPOT_TRADE"] == before  # not sent


async def test_a_blocked_finance_batch_is_not_journaled(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path / "home"))
    block(tmp_path, monkeypatch, "airdrop", "no airdrops this quarter")
    path = tmp_path / "drop.csv"
    path.write_text(f"uid,coin,amount\n{A},AT,1.5\n{B},AT,0.25\n", encoding="utf-8")
    app = finance_app()
    gate(app)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_finance(pilot)
        await type_path(pilot, screen, path)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await wait_loaded(pilot)
        text = screen_text(app)
        assert "blocked by policy rule 'frozen': no airdrops this quarter" in text, text
        assert "coinsole:" not in text  # the policy's line, not a generic failure
        assert screen.entry is None
        assert journal_for(app.session).entries() == []


async def test_a_blocked_setting_is_not_journaled(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path / "home"))
    block(tmp_path, monkeypatch, "settings", "settings are frozen")
    app = settings_app()
    gate(app)
    async with app.run_test(size=SETTINGS_SIZE) as pilot:
        screen = await open_settings(pilot)
        assert screen.table("symbols").select_key("BTCUSDT")
        await pilot.press("o")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_loaded(pilot)
        assert "settings are frozen" in screen_text(app)
        assert journal_for(app.session).entries() == []
        await pilot.press("escape")
        await wait_loaded(pilot)
        row = next(r for r in screen.table("symbols").records if r.symbol_id == "BTCUSDT")
        assert row.trading == "on"
