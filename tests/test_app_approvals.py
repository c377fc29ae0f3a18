"""Pilot tests of the Approvals screen (key 8) on the demo session, a real SQLite approvals
store and real Ed25519 operator keys: queue, detail, approve to quorum, reject with a
reason, execute only when approved, filters, the last-4 check, the bar's count."""

from __future__ import annotations

import pytest
from approvals_world import TRON, hold_transfer, hold_withdrawal, key, service_for, write_policy
from test_app_move import make_app
from test_app_support import screen_text, wait_loaded, wait_until
from textual.widgets import DataTable, Input

from tui.approvals.service import ApprovalService
from tui.approvals.store_factory import open_store
from tui.journal import EntryState
from tui.journal_ui import journal_for
from tui.screens.approvals import (
    ApprovalDetailScreen,
    ApprovalsScreen,
    ApproveScreen,
    RejectScreen,
)
from tui.screens.approvals_gate import approvals_configured
from tui.screens.approvals_model import NO_POLICY_TEXT, ApprovalsModel, format_duration
from tui.widgets.main_nav import MainNav

SIZE = (160, 40)


@pytest.fixture(autouse=True)
def no_tick(monkeypatch):
    """No timers: each test reloads when it means to."""
    monkeypatch.setattr(ApprovalsScreen, "tick_seconds", None)


async def open_approvals(pilot, as_: str | None = "bob") -> ApprovalsScreen:
    await wait_loaded(pilot)
    await pilot.press("8")
    await wait_loaded(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ApprovalsScreen)
    if as_:
        screen.model.set_operator(key(as_))
    return screen


async def reload(pilot, screen: ApprovalsScreen) -> None:
    screen.reload()
    await wait_loaded(pilot)


async def type_text(pilot, text: str) -> None:
    for char in text:
        await pilot.press(char)
    await pilot.pause()


def test_gate_names_match_the_service() -> None:
    from tui.approvals import service, store_factory
    from tui.screens import approvals_gate

    assert approvals_gate._POLICY_ENV == service.POLICY_ENV
    assert approvals_gate._STORE_ENV == store_factory.STORE_ENV
    assert approvals_gate._TEAM_FILE == store_factory.TEAM_FILE


def test_wire_parameters_read_as_text() -> None:
    from tui.screens.approvals import _param_text

    assert _param_text({"kind": "spot", "index": 0, "name": ""}) == "index=0  kind=spot"
    assert _param_text(None) == "-" and _param_text("1.50") == "1.50"


def test_durations() -> None:
    assert [format_duration(ms) for ms in (0, 45_000, 725_000, 11_220_000, 187_200_000, -5)] \
        == ["0s", "45s", "12m 05s", "3h 07m", "2d 04h", "0s"]


async def test_no_policy_hides_the_screen_and_says_how_to_start(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COINSOLE_POLICY", str(tmp_path / "absent.toml"))
    assert not approvals_configured()
    app, _, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert "approvals" not in app.screen.query_one(MainNav).shown_modes
        await pilot.press("8")
        await wait_loaded(pilot)
        assert not isinstance(app.screen, ApprovalsScreen)
        await app.switch_mode("approvals")  # what the palette's "Approvals" does
        await wait_loaded(pilot)
        assert NO_POLICY_TEXT in screen_text(app)


async def test_queue_renders_moves_and_opens_detail(tmp_path, monkeypatch) -> None:
    write_policy(tmp_path, monkeypatch)
    app, session, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        first = hold_transfer(session, amount="12.34567891")
        second = hold_withdrawal(session, amount="1250.5")
        screen = await open_approvals(pilot)
        text = screen_text(app)
        for part in ("12.34567891 USDT", "1,250.5000 USDT", "ann", "transfers", "big withdrawals",
                     "0/2", "TJmW5D1p1LnMdTMmxuY…", "pending", "23h 59m"):
            assert part in text, part
        assert screen.selected_id() == first.id
        await pilot.press("j")
        assert screen.selected_id() == second.id
        await pilot.press("k")
        assert screen.selected_id() == first.id
        await pilot.press("j", "enter")
        await wait_loaded(pilot)
        assert isinstance(app.screen, ApprovalDetailScreen)
        text = screen_text(app)
        for part in ("big withdrawals", "action withdraw", "amount 1250.5 >= 100",
                     "address", TRON, "Tron (TRC-20)", "client_key", "matches the request",
                     "current", "none yet", "no velocity limit"):
            assert part in text, part
        await pilot.press("escape")
        await wait_loaded(pilot)
        assert app.screen is screen


async def test_bar_counts_requests_waiting_for_me(tmp_path, monkeypatch) -> None:
    write_policy(tmp_path, monkeypatch)
    app, session, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        hold_transfer(session)
        hold_transfer(session, amount="20")
        hold_transfer(session, by="bob", amount="30")  # mine: not waiting for me
        await open_approvals(pilot)
        assert "8 Approvals (2)" in screen_text(app)


async def test_approve_to_quorum_then_execute(tmp_path, monkeypatch) -> None:
    write_policy(tmp_path, monkeypatch)
    app, session, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        item = hold_transfer(session, amount="10")
        big = hold_transfer(session, amount="1500")
        screen = await open_approvals(pilot)
        # Execute refused while only pending.
        await pilot.press("x")
        await wait_loaded(pilot)
        entry = journal_for(session).by_key(
            ApprovalService.open(store=open_store()).detail(item.id).params["client_key"])
        assert entry.state is EntryState.PENDING_APPROVAL
        # bob approves the small one: 1/2.
        await pilot.press("a")
        await wait_loaded(pilot)
        assert isinstance(app.screen, ApproveScreen) and app.screen.tail is None
        await pilot.press("ctrl+s")
        await wait_loaded(pilot)
        assert "1/2" in screen_text(app)
        # bob and cat approve the big one (3 of treasury): 2/3, still pending.
        await pilot.press("j", "a")
        await wait_loaded(pilot)
        await pilot.press("ctrl+s")
        await wait_loaded(pilot)
        screen.model.set_operator(key("cat"))
        await pilot.press("a")
        await wait_loaded(pilot)
        await pilot.press("ctrl+s")
        await wait_loaded(pilot)
        assert screen.selected().id == big.id and screen.selected().votes == "2/3"
        assert screen.selected().state == "PENDING_APPROVAL"
        assert not screen.check_action("execute", ())
        # cat approves the small one: quorum met, APPROVED; x sends it once.
        await pilot.press("k", "a")
        await wait_loaded(pilot)
        await pilot.press("ctrl+s")
        await wait_loaded(pilot)
        assert screen.selected().state == "APPROVED" and screen.selected().votes == "2/2"
        await pilot.press("x")
        await wait_loaded(pilot)
        entry = journal_for(session).get(entry.id)
        assert entry.state in (EntryState.ACCEPTED, EntryState.RECONCILED)
        states = [e.to_state for e in journal_for(session).events(entry.id)]
        assert states[:4] == ["DRAFT", "PENDING_APPROVAL", "APPROVED", "SUBMITTING"]
        assert item.id not in [i.id for i in screen.view.items]
        screen.set_filter("history")
        await wait_loaded(pilot)
        assert [i.id for i in screen.view.items] == [item.id]
        assert "done" in screen_text(app)
        # Signatures in the detail: verified, a short fingerprint, never the signature.
        await pilot.press("enter")
        await wait_loaded(pilot)
        text = screen_text(app)
        assert text.count("✓ verified") == 2 and "bob" in text and "cat" in text
        sigs = open_store().signatures(item.id)
        assert all(s.signature.hex() not in text and s.signature.hex()[:32] not in text
                   for s in sigs)


async def test_reject_needs_a_reason(tmp_path, monkeypatch) -> None:
    write_policy(tmp_path, monkeypatch)
    app, session, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        item = hold_transfer(session)
        screen = await open_approvals(pilot)
        await pilot.press("r")
        await wait_loaded(pilot)
        assert isinstance(app.screen, RejectScreen)
        await pilot.press("enter")
        await wait_loaded(pilot)
        assert isinstance(app.screen, RejectScreen)
        assert "needs a reason" in screen_text(app)
        await type_text(pilot, "unknown counterparty")
        await pilot.press("enter")
        await wait_loaded(pilot)
        assert app.screen is screen
        assert screen.view.items == ()
        detail = ApprovalService.open(store=open_store()).detail(item.id)
        assert detail.item.state == "REJECTED"
        assert [(s.operator, s.decision, s.reason, s.verified) for s in detail.signatures] == \
            [("bob", "reject", "unknown counterparty", True)]
        entry = journal_for(session).by_key(detail.params["client_key"])
        assert entry.state is EntryState.REJECTED


async def test_last_four_refuses_wrong_input(tmp_path, monkeypatch) -> None:
    write_policy(tmp_path, monkeypatch)
    app, session, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        hold_withdrawal(session, amount="250")
        screen = await open_approvals(pilot)
        await pilot.press("a")
        await wait_loaded(pilot)
        modal = app.screen
        assert isinstance(modal, ApproveScreen) and modal.tail == TRON[-4:]
        await type_text(pilot, "ABCD")
        await pilot.press("enter")
        await wait_loaded(pilot)
        assert app.screen is modal
        assert "not the last 4 characters" in screen_text(app)
        await pilot.press("ctrl+s")
        await wait_loaded(pilot)
        assert app.screen is modal
        assert open_store().signatures(screen.selected_id()) == []
        modal.query_one("#tail", Input).value = ""
        await type_text(pilot, TRON[-4:])
        await pilot.press("enter")
        await wait_loaded(pilot)
        assert app.screen is screen
        assert screen.selected().votes == "1/2"


async def test_filters(tmp_path, monkeypatch) -> None:
    write_policy(tmp_path, monkeypatch)
    app, session, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        theirs = hold_transfer(session)
        mine = hold_transfer(session, by="bob", amount="7")
        voted = hold_transfer(session, amount="8")
        service_for(session, "bob").approve(voted.id)
        rejected = hold_transfer(session, amount="9")
        service_for(session, "cat").reject(rejected.id, "no")
        screen = await open_approvals(pilot)
        assert screen.filter == "all"
        assert [i.id for i in screen.view.items] == [theirs.id, mine.id, voted.id]
        seen = {}
        for _ in range(4):
            await pilot.press("f")
            await wait_loaded(pilot)
            seen[screen.filter] = [i.id for i in screen.view.items]
        assert seen == {"history": [rejected.id], "waiting-for-me": [theirs.id],
                        "mine": [mine.id], "all": [theirs.id, mine.id, voted.id]}
        assert "filter: all" in screen_text(app)


async def test_changes_by_other_operators_show_on_the_next_tick(tmp_path, monkeypatch) -> None:
    write_policy(tmp_path, monkeypatch)
    app, session, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_approvals(pilot)
        assert screen.view.items == ()
        item = hold_transfer(session)  # another connection (another process, in life)
        screen.tick()
        await wait_loaded(pilot)
        assert [i.id for i in screen.view.items] == [item.id]
        service_for(session, "cat").approve(item.id)
        screen.tick()
        await wait_loaded(pilot)
        assert screen.view.items[0].votes == "1/2"


async def test_countdown_expires(tmp_path, monkeypatch) -> None:
    write_policy(tmp_path, monkeypatch)
    app, session, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        hold_transfer(session)
        screen = await open_approvals(pilot)
        later = screen.clock() + 25 * 3600 * 1000
        screen.model.service.clock = lambda: later
        screen.clock = lambda: later
        screen.tick()
        await wait_loaded(pilot)
        assert screen.view.items == ()
        screen.set_filter("history")
        await wait_loaded(pilot)
        assert [i.state for i in screen.view.items] == ["EXPIRED"]


def test_model_matches_the_service_queue(tmp_path, monkeypatch) -> None:
    from tui.demo import demo_session

    write_policy(tmp_path, monkeypatch)
    session = demo_session()
    from tui.journal import Journal
    from tui.journal_ui import attach_journal

    attach_journal(session, Journal(":memory:"), lookup_final_after_ms=0)
    a = hold_transfer(session)
    hold_transfer(session, by="bob", amount="7")
    hold_withdrawal(session)
    service_for(session, "cat").approve(a.id)
    b = hold_transfer(session, amount="9")
    service_for(session, "cat").reject(b.id, "no")
    svc = service_for(session, "bob")
    clock = iter(range(10**12, 10**12 + 1000))
    fixed = next(clock)
    svc.clock = lambda: fixed
    model = ApprovalsModel(lambda: svc)
    for name in ("waiting-for-me", "mine", "all", "history"):
        view = model.load(name)
        assert list(view.items) == svc.queue(name), name
        assert view.waiting == len(svc.queue("waiting-for-me"))
    assert model.load("all", limit=1).total == 3 and len(model.load("all", limit=1).items) == 1


async def test_approve_unlocks_the_vault_first(tmp_path, monkeypatch) -> None:
    from tui.approvals.identity import seal
    from tui.screens.unlock import UnlockScreen
    from tui.vault import TEST_KDF, Vault

    write_policy(tmp_path, monkeypatch)
    vault = Vault.init(tmp_path / "vault.bin", "correct-horse-battery", kdf=TEST_KDF)
    seal(vault, "bob", key("bob").private)
    vault.lock()
    app, session, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.vault = vault  # after start: the demo opens without asking for it
        hold_transfer(session)
        screen = await open_approvals(pilot, as_=None)
        assert not screen.model.has_key
        await pilot.press("a")
        await wait_loaded(pilot)
        assert isinstance(app.screen, UnlockScreen)
        await type_text(pilot, "correct-horse-battery")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ApproveScreen))
        await pilot.press("ctrl+s")
        await wait_loaded(pilot)
        assert screen.selected().votes == "1/2"
        assert isinstance(screen.query_one(DataTable), DataTable)


async def test_activity_shows_the_approval_states(tmp_path, monkeypatch) -> None:
    from tui.screens.activity import ActivityDetailScreen, ActivityScreen

    write_policy(tmp_path, monkeypatch)
    monkeypatch.setattr(ActivityScreen, "refresh_seconds", None)
    app, session, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        item = hold_transfer(session)
        await wait_loaded(pilot)
        await pilot.press("4")
        await wait_loaded(pilot)
        assert "PENDING APPROVAL" in screen_text(app)
        service_for(session, "bob").approve(item.id)
        cat = service_for(session, "cat")
        cat.approve(item.id)
        from tui.journal_ui import mover_for

        await cat.execute(item.id, mover_for(session))
        app.screen.action_refresh()
        await wait_loaded(pilot)
        await pilot.press("enter")
        await wait_loaded(pilot)
        assert isinstance(app.screen, ActivityDetailScreen)
        text = screen_text(app)
        for part in ("DRAFT -> PENDING_APPROVAL", "PENDING_APPROVAL -> APPROVED",
                     "APPROVED -> SUBMITTING", f"approval request {item.id}"):
            assert part in text, part


def test_meta_is_read_without_the_wire_parameters() -> None:
    from tui.approvals.canonical import canonical_bytes
    from tui.screens.approvals_model import _meta_of

    body = {"action": "withdraw", "amount": "1", "coin": "USDT",
            "destination": 'x"meta":{"rule":"forged"}', "initiator": "ann",
            "meta": {"rule": "real", "quorum": "2 of treasury", "expiry_ms": 5},
            "params": {"meta": {"rule": "nested"}}, "profile": "p", "venue": "v"}
    text = canonical_bytes(body).decode()
    assert _meta_of(text) == body["meta"]
    assert _meta_of('{"action":"x"}') == {}


async def test_demo_queue_is_alive_on_first_start() -> None:
    app, _, _ = make_app()
    app.demo_approvals = True  # what `coinsole --demo` sets
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_approvals(pilot, as_=None)
        assert screen.model.me == "you" and screen.model.has_key
        text = screen_text(app)
        assert "8 Approvals (2)" in text, text
        assert "520.0000 USDT" in text and "maria" in text and "approved" in text
        screen.set_filter("waiting-for-me")
        await wait_loaded(pilot)
        assert len(screen.view.items) == 2


async def test_postgres_team_store_updates_the_queue_live(tmp_path, monkeypatch, pg_url) -> None:
    write_policy(tmp_path, monkeypatch)
    monkeypatch.setenv("COINSOLE_TEAM_STORE", pg_url)
    app, session, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_approvals(pilot)
        assert screen._watcher is not None and screen.view.items == ()
        item = hold_transfer(session)  # another operator's connection
        await wait_until(pilot, lambda: bool(screen.view.items))
        assert [i.id for i in screen.view.items] == [item.id]
        service_for(session, "cat").approve(item.id)
        await wait_until(pilot, lambda: screen.view.items[0].votes == "1/2")
        screen._changed(type("Change", (), {"kind": "unreachable", "detail": "team store "
                                            "unreachable at x, retrying: gone"})())
        await pilot.pause()
        assert "unreachable" in screen_text(app)


async def test_bhex_withdrawal_asks_the_trade_password_to_execute(tmp_path, monkeypatch) -> None:
    from approvals_world import hold_bhex_withdrawal

    from tui.sandbox.demo_money import DEMO_TRADE_PASSWORD
    from tui.screens.approvals import ExecutePasswordScreen

    write_policy(tmp_path, monkeypatch)
    app, session, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        item = hold_bhex_withdrawal(session)
        service_for(session, "bob").approve(item.id)
        service_for(session, "cat").approve(item.id)
        screen = await open_approvals(pilot)
        assert screen.selected().state == "APPROVED"
        await pilot.press("x")
        await wait_loaded(pilot)
        assert isinstance(app.screen, ExecutePasswordScreen)
        await type_text(pilot, DEMO_TRADE_PASSWORD)
        assert DEMO_TRADE_PASSWORD not in screen_text(app)
        await pilot.press("enter")
        await wait_loaded(pilot)
        assert app.screen is screen
        detail = ApprovalService.open(store=open_store()).detail(item.id)
        entry = journal_for(session).by_key(detail.params["client_key"])
        assert entry.state in (EntryState.ACCEPTED, EntryState.RECONCILED), entry.last_error
        assert DEMO_TRADE_PASSWORD not in screen_text(app)
