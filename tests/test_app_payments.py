"""Pilot tests of the Payments screen against the demo sandbox: opened from the palette
action, filtered by state, payer and payee, paged, the order's items shown, each action
key offered only where the state allows it, and an action confirmed with a summary,
journaled and sent once."""

from __future__ import annotations

from decimal import Decimal

import pytest
from org_app_steps import cancel_then_send, demo_app, open_screen
from test_app_support import screen_text, wait_loaded
from textual.widgets import Input, Select

from tui.journal_ui import journal_for
from tui.payments.lifecycle import PaymentAction
from tui.sandbox.bhex_payments import ORDER_ID_BASE
from tui.sandbox.limits import RateLimiter
from tui.screens.payment_action import PaymentActionScreen
from tui.screens.payments import PAGE, PaymentsScreen

SIZE = (150, 40)
PAYER = "482698709891649537"


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path / "home"))


payments_app = demo_app


async def open_payments(pilot) -> PaymentsScreen:
    return await open_screen(pilot, "open_payments", PaymentsScreen)


def pick(screen: PaymentsScreen, order_id: int) -> None:
    """Put the orders table's cursor on ``order_id`` (the order shown follows it)."""
    assert screen.orders.select_key(str(order_id))


async def act_on(pilot, screen: PaymentsScreen, order_id: int, key: str) -> None:
    """Pick ``order_id`` and press the action ``key`` on it (its modal opens, if offered)."""
    pick(screen, order_id)
    await pilot.pause()
    await pilot.press(key)
    await pilot.pause()


async def test_list_detail_and_legal_actions() -> None:
    app = payments_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_payments(pilot)
        assert screen.profiles == ["bhex-demo"]
        assert len(screen.page) == 8  # paid to the operating account (the demo user)
        assert [int(o.order_id) for o in screen.page] == sorted(
            (int(o.order_id) for o in screen.page), reverse=True)
        pick(screen, ORDER_ID_BASE + 6)  # PROCESSING prepaid BTC
        await pilot.pause()
        items = screen.query_one("#items").records
        assert [(r.kind, r.pay_type, r.amount) for r in items] == [("pay", "PREPAY",
                                                                     Decimal("0.5"))]
        assert screen.check_action("act", ("settle",)) and screen.check_action("act", ("unlock",))
        assert not screen.check_action("act", ("cancel",))
        assert not screen.check_action("act", ("refund",))
        assert "a settle · u unlock" in screen_text(app)
        pick(screen, ORDER_ID_BASE + 4)  # the mapping order: pay and product items
        await pilot.pause()
        kinds = [r.kind for r in screen.query_one("#items").records]
        assert kinds == ["pay", "product"]
        assert screen.check_action("act", ("refund",))
        assert not screen.check_action("act", ("settle",))
        pick(screen, ORDER_ID_BASE)  # CANCELLED: nothing
        await pilot.pause()
        assert not any(screen.check_action("act", (a.value,)) for a in PaymentAction)
        await pilot.press("x")  # not offered: nothing opens
        await pilot.pause()
        assert app.screen is screen


async def test_filters_by_state_payer_and_payee() -> None:
    app = payments_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_payments(pilot)
        screen.query_one("#state", Select).value = "PROCESSING"
        await wait_loaded(pilot)
        assert {o.status for o in screen.page} == {"PROCESSING"} and len(screen.page) == 2
        screen.query_one("#state", Select).value = ""
        await wait_loaded(pilot)
        payer = screen.query_one("#payer", Input)
        payer.value = PAYER
        await payer.action_submit()
        await wait_loaded(pilot)
        assert screen.page and {o.payer_user_id for o in screen.page} == {PAYER}
        payee = screen.query_one("#payee", Input)
        payee.value = "482698709891649538"
        await payee.action_submit()
        await wait_loaded(pilot)
        assert {o.payee_user_id for o in screen.page} == {"482698709891649538"}
        payee.value = "bob"
        await payee.action_submit()
        await pilot.pause()
        assert any("user id (digits)" in n for n in app.notices)


async def test_pages_older_and_back() -> None:
    app = payments_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        box = app.session.sandbox
        box.services["bhex"].limiter = RateLimiter(100_000, 1, box.clock)  # 20 creates at once
        adapter = app.session.adapter("bhex-demo")
        for n in range(PAGE):
            from tui.venues.bhex_payments import PayLine

            await adapter.payment_order_create(f"page{n}", PAYER,
                                               [PayLine("PAY", "USDT", Decimal(n + 1))], 600)
        screen = await open_payments(pilot)
        assert len(screen.page) == PAGE
        newest = screen.page[0].order_id
        await pilot.press("n")
        await wait_loaded(pilot)
        assert len(screen.cursors) == 2 and len(screen.page) == 8
        assert int(screen.page[0].order_id) < int(newest)
        assert not screen.check_action("next_page", ())
        await pilot.press("b")
        await wait_loaded(pilot)
        assert screen.page[0].order_id == newest


async def test_settle_confirmed_journaled_and_refused_beyond_held() -> None:
    app = payments_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_payments(pilot)
        await act_on(pilot, screen, ORDER_ID_BASE + 6, "a")
        modal = app.screen
        assert isinstance(modal, PaymentActionScreen)
        amount = modal.query_one("#amount", Input)
        amount.value = "0.3"  # only 0.2 is held
        await pilot.pause()
        assert modal.request is None and "settle at most 0.2" in screen_text(app)
        amount.value = "0.15"
        await pilot.pause()
        assert modal.request is not None
        assert "settle 0.15 BTC" in screen_text(app) and "0.35 BTC" in screen_text(app)
        await pilot.press("enter")  # Enter goes to Confirm; it sends nothing by itself
        await pilot.pause()
        assert journal_for(app.session).entries() == [] and not modal.sent
        assert app.focused is not None and app.focused.id == "confirm"
        await pilot.press("ctrl+s")
        await wait_loaded(pilot)
        assert "done: settle 0.15 BTC" in screen_text(app)
        await pilot.press("escape")
        await wait_loaded(pilot)
        assert app.screen is screen
        assert screen.order is not None and screen.order.pay_info[0].paid_amount == Decimal("0.35")
        entries = journal_for(app.session).entries()
        assert [e.kind for e in entries] == ["payment_settle"]


async def test_cancel_a_waiting_order() -> None:
    app = payments_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_payments(pilot)
        await act_on(pilot, screen, ORDER_ID_BASE + 8, "x")  # WAIT_FOR_PAYMENT
        assert isinstance(app.screen, PaymentActionScreen)
        assert "becomes  CANCELLED" in screen_text(app)
        await cancel_then_send(pilot, "x")
        assert screen.order is not None and screen.order.status == "CANCELLED"
        assert not screen.check_action("act", ("cancel",))


async def test_a_failing_venue_shows_in_the_table() -> None:
    app = payments_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        app.session.sandbox.faults.down("bhex")
        screen = await open_payments(pilot)
        assert "unavailable" in screen_text(app).lower()
        app.session.sandbox.faults.up("bhex")
        await pilot.press("r")
        await wait_loaded(pilot)
        assert len(screen.page) == 8


async def test_new_order_form_validates_then_creates() -> None:
    from tui.screens.payment_create import PaymentCreateScreen

    app = payments_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_payments(pilot)
        await pilot.press("c")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, PaymentCreateScreen)
        for field, value in (("#payer", PAYER), ("#token", "usdt"), ("#amount", "12.50"),
                             ("#product-token", "btc"), ("#product-amount", "0.001")):
            form.query_one(field, Input).value = value
        form.query_one("#pay-type", Select).value = "PREPAY"
        await pilot.pause()
        assert form.request is None and "PAY lines only" in screen_text(app)
        form.query_one("#pay-type", Select).value = "PAY"
        form.query_one("#amount", Input).value = "1e3"
        await pilot.pause()
        assert form.request is None and "plain digits" in screen_text(app)
        form.query_one("#amount", Input).value = "12.50"
        await pilot.pause()
        assert form.request is not None and "PAY 12.50 USDT" in screen_text(app)
        await pilot.press("ctrl+s")
        await wait_loaded(pilot)
        assert "done: payment order" in screen_text(app)
        await pilot.press("escape")
        await wait_loaded(pilot)
        newest = screen.page[0]
        assert newest.client_order_id == form.key and newest.is_mapping
        assert newest.pay_info[0].amount == Decimal("12.50")
        assert [e.kind for e in journal_for(app.session).entries()] == ["payment_create"]


async def test_the_approvals_gate_holds_or_blocks(tmp_path, monkeypatch) -> None:
    """With a policy in force the TUI's mover asks it first: a settle needing approval is
    journaled PENDING_APPROVAL and proposed, a blocked cancel is never journaled; the venue
    sees neither."""
    from approvals_world import KEYS

    from tui.approvals.service import policy_gate
    from tui.journal import Journal
    from tui.journal_ui import attach_journal

    ops = "\n".join(f'[operators.{n}]\npublic_key = "{pub.hex()}"\ngroups = ["ops"]\n'
                    for n, (_, pub) in KEYS.items())
    policy = tmp_path / "policy.toml"
    policy.write_text(ops + '[[rule]]\nname = "settles"\naction = "payment_settle"\n'
                      'outcome = "approve"\nquorum = "2 of ops"\n[[rule]]\n'
                      'name = "no cancels"\naction = "payment_cancel"\noutcome = "block"\n'
                      'reason = "cancels are frozen"\n[[rule]]\noutcome = "allow"\n',
                      encoding="utf-8")
    monkeypatch.setenv("COINSOLE_POLICY", str(policy))
    monkeypatch.setenv("COINSOLE_OPERATOR", "ann")
    app = payments_app()
    binding = attach_journal(app.session, Journal(":memory:"), lookup_final_after_ms=0)
    binding.mover.policy_gate = policy_gate(binding.journal)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_payments(pilot)
        await act_on(pilot, screen, ORDER_ID_BASE + 6, "a")
        assert "approvals policy is in force" in screen_text(app)
        app.screen.query_one("#amount", Input).value = "0.1"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_loaded(pilot)
        assert "submitted for approval" in screen_text(app)
        await pilot.press("escape")
        await wait_loaded(pilot)
        await act_on(pilot, screen, ORDER_ID_BASE + 8, "x")
        await pilot.press("ctrl+s")
        await wait_loaded(pilot)
        assert "cancels are frozen" in screen_text(app)
        await pilot.press("escape")
        await wait_loaded(pilot)
        entries = binding.journal.entries()
        assert [(e.kind, e.state.value) for e in entries] == [("payment_settle",
                                                               "PENDING_APPROVAL")]
        book = app.session.sandbox.services["bhex"].payments
        assert book.orders[ORDER_ID_BASE + 6]["payInfo"][0]["paidAmount"] == "0.2"
        assert book.orders[ORDER_ID_BASE + 8]["status"] == "WAIT_FOR_PAYMENT"
