"""Pilot tests of the Users screen's writes and caller verification on the demo sandbox:
``f`` shows the eight status flags as toggles, each flip confirmed with exactly what
changes, journaled with its operator and sent (or, with a policy that names
``user_status``, held for approval and not sent); ``v`` checks a caller's GA code and trade
password from masked inputs that are emptied at once, the result said plainly."""

from __future__ import annotations

import pyotp
from test_app_support import screen_text, wait_loaded
from test_app_users import SIZE, open_users, users_app
from textual.widgets import Input, OptionList

from tui.journal.states import EntryState
from tui.journal_ui import journal_for, mover_for
from tui.sandbox.bhex_org import trade_password_of
from tui.screens.caller_check import CallerCheckScreen
from tui.screens.confirm import ConfirmScreen
from tui.screens.user_flags import StatusFlagsScreen
from tui.venues.bhex_users import STATUS_FLAGS


async def _flags_of(pilot, box, position: int) -> tuple[StatusFlagsScreen, object]:
    screen = await open_users(pilot, sync=False)
    user = box.bhex_org.user(position)
    screen.show_user(user.user_id)
    await wait_loaded(pilot)
    screen.set_focus(None)
    await pilot.press("f")
    await wait_loaded(pilot)
    modal = pilot.app.screen
    assert isinstance(modal, StatusFlagsScreen)
    return modal, user


async def _highlight(pilot, modal: StatusFlagsScreen, flag: str) -> None:
    options = modal.query_one("#flags", OptionList)
    options.highlighted = STATUS_FLAGS.index(flag)
    await pilot.pause()


async def test_flags_toggle_confirms_journals_and_sends() -> None:
    app, box = users_app()
    async with app.run_test(size=SIZE) as pilot:
        modal, user = await _flags_of(pilot, box, 260)
        assert modal.query_one("#flags", OptionList).option_count == 8
        before = user.flags["OTC_TRADE"]
        await _highlight(pilot, modal, "OTC_TRADE")
        await pilot.press("enter")
        await wait_loaded(pilot)
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        text = screen_text(app)
        assert f"Set OTC_TRADE of user {user.user_id} to {1 - before}?" in text
        assert "becomes" in text and "by" in text
        await pilot.press("n")  # declined: nothing journaled, nothing sent
        await wait_loaded(pilot)
        assert journal_for(app.session).entries() == []
        await pilot.press("space")
        await wait_loaded(pilot)
        await pilot.press("y")
        await wait_loaded(pilot)
        assert box.bhex_org.find(user.user_id).flags["OTC_TRADE"] == 1 - before
        entries = journal_for(app.session).entries()
        assert len(entries) == 1 and entries[0].state is EntryState.ACCEPTED
        assert entries[0].request.operator and entries[0].request.previous == before
        assert "OTC_TRADE: done" in screen_text(app)
        mark = "x" if 1 - before else " "
        assert f"[{mark}] OTC_TRADE" in screen_text(app)
        await pilot.press("escape")
        await wait_loaded(pilot)
        assert not isinstance(app.screen, StatusFlagsScreen)  # back on the card, reloaded


async def test_a_policy_naming_user_status_holds_the_toggle(tmp_path, monkeypatch) -> None:
    from approvals_world import KEYS

    from tui.approvals.service import policy_gate

    ops = "\n".join(f'[operators.{n}]\npublic_key = "{pub.hex()}"\ngroups = ["support"]\n'
                    for n, (_, pub) in KEYS.items())
    policy = tmp_path / "policy.toml"
    policy.write_text(ops + '[[rule]]\nname = "flags need two"\naction = "user_status"\n'
                      'outcome = "approve"\nquorum = "2 of support"\n'
                      '[[rule]]\noutcome = "allow"\n', encoding="utf-8")
    monkeypatch.setenv("COINSOLE_POLICY", str(policy))
    monkeypatch.setenv("COINSOLE_OPERATOR", "ann")
    app, box = users_app()
    async with app.run_test(size=SIZE) as pilot:
        mover_for(app.session).policy_gate = policy_gate(journal_for(app.session))
        modal, user = await _flags_of(pilot, box, 261)
        before = user.flags["SPOT_TRADE"]
        await _highlight(pilot, modal, "SPOT_TRADE")
        await pilot.press("enter", "y")
        await wait_loaded(pilot)
        entries = journal_for(app.session).entries()
        assert [e.state for e in entries] == [EntryState.PENDING_APPROVAL]
        assert box.bhex_org.find(user.user_id).flags["SPOT_TRADE"] == before  # not sent
        assert "submitted for approval" in screen_text(app)


async def test_caller_check_ga_and_trade_password_masked_and_plain() -> None:
    app, box = users_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_users(pilot, sync=False)
        user = next(box.bhex_org.user(p) for p in range(300, 500)
                    if box.bhex_org.user(p).ga_seed and box.bhex_org.user(p).trade_pwd_md5)
        screen.show_user(user.user_id)
        await wait_loaded(pilot)
        screen.set_focus(None)
        await pilot.press("v")
        await wait_loaded(pilot)
        modal = app.screen
        assert isinstance(modal, CallerCheckScreen)
        ga, trade = modal.query_one("#ga", Input), modal.query_one("#trade", Input)
        assert ga.password and trade.password
        now_s = box.services["bhex"].now_ms() // 1000
        code = pyotp.TOTP(user.ga_seed).at(now_s)
        await pilot.press(*code, "enter")
        await wait_loaded(pilot)
        assert ga.value == "" and "GA code CORRECT" in screen_text(app)
        wrong = f"{(int(code) + 1) % 1_000_000:06d}"
        await pilot.press(*wrong, "enter")
        await wait_loaded(pilot)
        assert "GA code WRONG" in screen_text(app)
        password = trade_password_of(user.user_id)
        trade.focus()
        await pilot.press(*password)
        assert password not in screen_text(app)  # masked while typed
        await pilot.press("enter")
        await wait_loaded(pilot)
        assert trade.value == "" and "trade password CORRECT" in screen_text(app)
        await pilot.press(*"not-it", "enter")
        await wait_loaded(pilot)
        text = screen_text(app)
        assert "trade password WRONG" in text and password not in text and code not in text


async def test_keys_need_a_user_on_screen() -> None:
    app, _ = users_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_users(pilot, sync=False)
        screen.set_focus(None)
        await pilot.press("f")
        await pilot.press("v")
        await wait_loaded(pilot)
        assert app.screen is screen
        said = [n.message for n in app._notifications]
        assert said == ["choose a user first", "choose a user first"]


def test_snapshot_status_flags(snap_compare) -> None:
    async def run_before(pilot) -> None:
        modal, _ = await _flags_of(pilot, pilot.app._test_box, 262)
        await _highlight(pilot, modal, "MONEY_OUTFLOW")
        await pilot.pause()

    app, box = users_app()
    app._test_box = box  # type: ignore[attr-defined]
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
