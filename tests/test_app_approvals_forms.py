"""Pilot tests: the Move money and Orders forms under a policy file (a real SQLite approvals
store, real operator keys, the demo sandbox). A send the policy holds ends in a calm
"submitted for approval (rule …, needs …)" with the request id, never an error; a blocked
one shows the rule's reason and sends nothing; Activity shows the entry's approval states;
and the demo (`coinsole --demo`) gates its forms with the demo policy."""

from __future__ import annotations

import re
from decimal import Decimal

from approvals_world import KEYS, TRON, service_for, write_policy
from test_app_move import choose, make_app, open_form, type_into
from test_app_orders import fill_form, form, open_orders_screen, trading_app
from test_app_support import screen_text, wait_loaded

from tui.approvals.service import policy_gate
from tui.approvals.store_factory import open_store
from tui.journal import EntryState
from tui.journal_ui import journal_for, mover_for
from tui.screens.move import MoveScreen
from tui.screens.move_confirm import MoveConfirmScreen

SIZE = (120, 36)
SUBMITTED = re.compile(r"submitted for approval \(rule (?P<rule>[^,]+), needs (?P<quorum>[^)]+)\)"
                       r" · request (?P<id>[0-9a-f]{16}) · journal entry (?P<entry>\d+)")


def capture(app) -> list[str]:
    """Every notification's text, in ``app.notices``."""
    from test_app_orders import capture_notices

    return capture_notices(app)


def gate(session) -> None:
    """What a real session's journal binding does: ask the policy file before sending."""
    mover_for(session).policy_gate = policy_gate(journal_for(session))


def write_rules(tmp_path, monkeypatch, rules: str, me: str = "bob"):
    """A policy of ann, bob, cat (treasury) and ``rules``, in force, with ``me`` here."""
    ops = "\n".join(f'[operators.{n}]\npublic_key = "{pub.hex()}"\ngroups = ["treasury"]\n'
                    for n, (_, pub) in KEYS.items())
    path = tmp_path / "policy.toml"
    path.write_text(ops + rules + '\n[[rule]]\nname = "default"\noutcome = "allow"\n',
                    encoding="utf-8")
    monkeypatch.setenv("COINSOLE_POLICY", str(path))
    monkeypatch.setenv("COINSOLE_OPERATOR", me)
    return path


async def test_a_held_transfer_ends_in_submitted_for_approval(tmp_path, monkeypatch) -> None:
    from tui.screens.activity import ActivityDetailScreen, ActivityScreen

    write_policy(tmp_path, monkeypatch)  # transfers of 5 or more need 2 of treasury
    monkeypatch.setattr(ActivityScreen, "refresh_seconds", None)
    app, session, journal = make_app()
    notices = capture(app)
    gate(session)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, "transfer")
        await choose(pilot, form, "profile", "fcoin-demo")
        await choose(pilot, form, "coin", "USDT")
        before = form.available()
        await type_into(pilot, form, "amount", "10")
        await pilot.press("ctrl+s")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, MoveConfirmScreen)
        await pilot.press("ctrl+s")
        await wait_loaded(pilot)
        text = str(confirm.query_one("#outcome").render())
        assert "could not send" not in screen_text(app)
        found = SUBMITTED.search(text)
        assert found, text
        assert (found["rule"], found["quorum"]) == ("transfers", "2 of treasury")
        assert "-ok" in confirm.query_one("#outcome").classes
        [entry] = journal.entries()
        assert entry.state is EntryState.PENDING_APPROVAL and entry.attempts == 0
        assert int(found["entry"]) == entry.id
        store = open_store()
        row = store.get(found["id"])
        store.close()
        assert row is not None and row.state == "PENDING_APPROVAL" and row.initiator == "bob"
        await pilot.press("escape")
        await wait_loaded(pilot)
        assert isinstance(app.screen, MoveScreen)
        assert any(SUBMITTED.search(n) and found["id"] in n for n in notices), notices
        assert form.ctl("amount").value == ""
        assert form.available() == before  # nothing moved

        await pilot.press("alt+4")  # the form owns the digits
        await wait_loaded(pilot)
        assert "PENDING APPROVAL" in screen_text(app)
        service_for(session, "ann").approve(found["id"])
        cat = service_for(session, "cat")
        cat.approve(found["id"])
        await cat.execute(found["id"], mover_for(session))
        cat.close()
        app.screen.action_refresh()
        await wait_loaded(pilot)
        await pilot.press("enter")
        await wait_loaded(pilot)
        assert isinstance(app.screen, ActivityDetailScreen)
        text = screen_text(app)
        for part in ("DRAFT -> PENDING_APPROVAL", "PENDING_APPROVAL -> APPROVED",
                     "APPROVED -> SUBMITTING", "SUBMITTING -> ACCEPTED"):
            assert part in text, part
        assert journal.get(entry.id).state in (EntryState.ACCEPTED, EntryState.RECONCILED)


async def test_a_blocked_withdrawal_shows_the_rules_reason(tmp_path, monkeypatch) -> None:
    write_rules(tmp_path, monkeypatch, '''
[[rule]]
name = "no USDT out"
action = "withdraw"
coin = "USDT"
outcome = "block"
reason = "USDT withdrawals are paused this week"
''')
    app, session, journal = make_app()
    gate(session)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, "withdraw")
        await choose(pilot, form, "profile", "bitunix-demo")
        await choose(pilot, form, "coin", "USDT")
        before = form.available()
        await type_into(pilot, form, "address", TRON)
        await type_into(pilot, form, "amount", "10")
        await pilot.press("ctrl+s")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, MoveConfirmScreen)
        for char in TRON[-4:]:
            await pilot.press(char)
        await pilot.press("enter")
        await wait_loaded(pilot)
        text = str(confirm.query_one("#outcome").render())
        assert "blocked by policy rule 'no USDT out': USDT withdrawals are paused this week" \
            in text, text
        assert "nothing was sent" in text and "could not send" not in screen_text(app)
        assert "-bad" in confirm.query_one("#outcome").classes
        assert confirm.entry is None
        assert journal.entries() == []  # blocked: nothing journaled, not even a DRAFT
        await pilot.press("escape")
        await wait_loaded(pilot)
        assert form.available() == before


async def test_a_held_order_and_a_held_cancel(tmp_path, monkeypatch) -> None:
    write_rules(tmp_path, monkeypatch, '''
[[rule]]
name = "orders need a second pair of eyes"
action = ["order_place", "order_cancel"]
outcome = "approve"
quorum = "2 of treasury"
''')
    app, _ = trading_app()
    gate(app.session)
    async with app.run_test(size=SIZE) as pilot:
        orders = await open_orders_screen(pilot)
        screen = await form(pilot)
        await fill_form(pilot, screen, side="SELL", price="10", quantity="300")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await wait_loaded(pilot)
        assert app.screen is orders, screen_text(app)
        (placed,) = journal_for(app.session).entries()
        assert placed.state is EntryState.PENDING_APPROVAL and placed.attempts == 0
        notice = next(n for n in app.notices if SUBMITTED.search(n))
        assert "rule orders need a second pair of eyes, needs 2 of treasury" in notice
        assert not any("not sent" in n for n in app.notices)

        await pilot.press("x")  # cancel the open demo order: held too
        await pilot.pause()
        await pilot.press("y")
        await wait_loaded(pilot)
        cancel = journal_for(app.session).entries()[-1]
        assert cancel.kind == "order_cancel" and cancel.state is EntryState.PENDING_APPROVAL
        assert any(n.startswith("cancel of order") and SUBMITTED.search(n)
                   for n in app.notices), app.notices
        assert [o.client_order_id for o in orders.table("open").records] == ["demo-8"]


async def test_the_demo_gates_its_forms_with_the_demo_policy() -> None:
    app, session, journal = make_app()
    app.demo_approvals = True  # what `coinsole --demo` sets
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, "withdraw")
        await choose(pilot, form, "profile", "bitunix-demo")
        await choose(pilot, form, "coin", "USDT")
        assert form.available() >= Decimal(600)
        await type_into(pilot, form, "address", TRON)
        await type_into(pilot, form, "amount", "600")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MoveConfirmScreen)
        for char in TRON[-4:]:
            await pilot.press(char)
        await pilot.press("enter")
        await wait_loaded(pilot)
        text = str(app.screen.query_one("#outcome").render())
        found = SUBMITTED.search(text)
        assert found and found["rule"] == "withdrawals of 500 or more", text
        [entry] = journal.entries()
        assert entry.state is EntryState.PENDING_APPROVAL


async def test_a_batch_cancel_held_by_the_policy_says_so(tmp_path, monkeypatch) -> None:
    from tui.screens.confirm import ConfirmScreen

    write_rules(tmp_path, monkeypatch, '''
[[rule]]
name = "cancels"
action = "order_cancel"
outcome = "approve"
quorum = "2 of treasury"
''')
    app, _ = trading_app()
    gate(app.session)
    async with app.run_test(size=SIZE) as pilot:
        orders = await open_orders_screen(pilot)
        await pilot.press("B")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await wait_loaded(pilot)
        assert "batch cancel of ATUSDT: 0 cancelled, 1 submitted for approval (see Approvals, 8)" \
            in app.notices, app.notices
        [cancel] = journal_for(app.session).entries()
        assert cancel.state is EntryState.PENDING_APPROVAL
        assert [o.client_order_id for o in orders.table("open").records] == ["demo-8"]
