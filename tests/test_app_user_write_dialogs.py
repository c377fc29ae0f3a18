"""Pilot tests of the Users screen's support-write dialogs on the demo sandbox: update KYC
(prefilled, the diff confirmed), rebuild the invite relation, reset the login and trade
passwords (masked, typed twice, never on screen after entry), bind GA (the key and its QR
code shown once), register a user; each confirmed with exactly what changes, journaled,
sent, the card reloaded; one held by an approvals policy and one blocked by it."""

from __future__ import annotations

import hashlib

import pyotp
import pytest
from test_app_support import screen_text, wait_loaded
from test_app_users import SIZE, open_users, users_app
from textual.widgets import Input, Select

from tui.journal.states import EntryState
from tui.journal_ui import journal_for, mover_for
from tui.screens.confirm import ConfirmScreen
from tui.screens.user_ga_bind import GaBindDialog
from tui.screens.user_register import RegisterDialog
from tui.screens.user_write_dialogs import (InviteRelationDialog, KycUpdateDialog,
                                            PasswordResetDialog)
from tui.screens.user_write_menu import UserWriteMenu
from tui.widgets.qr import QRCode

NEW_PASSWORD = "N3w-Secr3t!x"


def _pick(box, test, start: int = 300):
    return next(box.bhex_org.user(p) for p in range(start, 500) if test(box.bhex_org.user(p)))


async def _card(pilot, box, user) -> object:
    screen = await open_users(pilot, sync=False)
    screen.show_user(user.user_id)
    await wait_loaded(pilot)
    screen.set_focus(None)
    return screen


async def _open(pilot, key: str, kind: type):
    await pilot.press(key)
    await wait_loaded(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, kind), type(dialog)
    return dialog


async def _type(pilot, dialog, field_id: str, text: str) -> None:
    field = dialog.query_one(f"#{field_id}", Input)
    field.focus()
    field.value = ""
    await pilot.press(*text)


async def _review(pilot) -> str:
    """ctrl+s: the confirmation's text (or the dialog's, when it refused)."""
    await pilot.press("ctrl+s")
    await wait_loaded(pilot)
    return screen_text(pilot.app)


def _policy(tmp_path, monkeypatch, rules: str) -> None:
    from approvals_world import KEYS

    ops = "\n".join(f'[operators.{n}]\npublic_key = "{pub.hex()}"\ngroups = ["support"]\n'
                    for n, (_, pub) in KEYS.items())
    policy = tmp_path / "policy.toml"
    policy.write_text(ops + rules + '[[rule]]\noutcome = "allow"\n', encoding="utf-8")
    monkeypatch.setenv("COINSOLE_POLICY", str(policy))
    monkeypatch.setenv("COINSOLE_OPERATOR", "ann")


def _gate(app) -> None:
    from tui.approvals.service import policy_gate

    mover_for(app.session).policy_gate = policy_gate(journal_for(app.session))


async def test_update_kyc_prefilled_diff_confirmed_sent_and_card_reloaded() -> None:
    app, box = users_app()
    async with app.run_test(size=SIZE) as pilot:
        user = _pick(box, lambda u: u.verify_status == 2)
        screen = await _card(pilot, box, user)
        dialog = await _open(pilot, "K", KycUpdateDialog)
        assert dialog.query_one("#kyc-card_no", Input).value == user.card_no
        assert dialog.query_one("#kyc-country_code", Input).value == user.country_code
        assert dialog.query_one("#kyc-verify_status", Select).value == 2
        refused = await _review(pilot)  # the card type is never reported: chosen
        assert "choose the card type" in refused and not journal_for(app.session).entries()
        dialog.query_one("#kyc-card_type", Select).value = 3
        await _type(pilot, dialog, "kyc-card_no", "E7654321X")
        text = await _review(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.question == f"Update card_type, card_no of user {user.user_id}?"
        assert f"{user.card_no} -> E7654321X" in app.screen.message
        assert "3 (passport)" in app.screen.message
        await pilot.press("y")
        await wait_loaded(pilot)
        assert box.bhex_org.find(user.user_id).card_no == "E7654321X"
        [entry] = journal_for(app.session).entries()
        assert entry.state is EntryState.ACCEPTED and entry.kind == "kyc"
        assert "done: KYC updated" in screen_text(app)
        await pilot.press("escape")
        await wait_loaded(pilot)
        assert app.screen is screen and screen.card.done
        assert "E7654321X" in screen_text(app)  # the card was loaded again


async def test_rebuild_invite_relation_and_refused_when_already_invited() -> None:
    app, box = users_app()
    async with app.run_test(size=SIZE) as pilot:
        user = _pick(box, lambda u: u.invite_index is None and u.invite_user_id == "0")
        inviter = _pick(box, lambda u: u.user_id != user.user_id, start=320)
        screen = await _card(pilot, box, user)
        dialog = await _open(pilot, "i", InviteRelationDialog)
        assert "has no inviter" in screen_text(app)
        await _type(pilot, dialog, "inviter", inviter.user_id)
        text = await _review(pilot)
        assert app.screen.question == (f"Make {inviter.user_id} the inviter of user "
                                       f"{user.user_id}?")
        assert f"inviter becomes  {inviter.user_id}" in app.screen.message
        await pilot.press("y")
        await wait_loaded(pilot)
        assert box.bhex_org.find(user.user_id).invite_user_id == inviter.user_id
        await pilot.press("escape")
        await wait_loaded(pilot)
        screen.set_focus(None)
        await _open(pilot, "i", InviteRelationDialog)
        assert f"already invited by {inviter.user_id}" in screen_text(app)
        assert app.screen.query_one("#confirm").disabled
        assert len(journal_for(app.session).entries()) == 1


@pytest.mark.parametrize("key,kind", [("L", "login"), ("T", "trade")])
async def test_password_resets_masked_twice_never_on_screen(key: str, kind: str) -> None:
    app, box = users_app()
    async with app.run_test(size=SIZE) as pilot:
        user = _pick(box, lambda u: bool(u.trade_pwd_md5))
        await _card(pilot, box, user)
        dialog = await _open(pilot, key, PasswordResetDialog)
        assert dialog.kind == kind
        assert all(f.password for f in dialog.query(Input))
        await _type(pilot, dialog, "new-secret", NEW_PASSWORD)
        await _type(pilot, dialog, "new-secret-again", NEW_PASSWORD + "?")
        refused = await _review(pilot)
        assert "differ" in refused and not journal_for(app.session).entries()
        assert all(f.value == "" for f in dialog.query(Input))  # emptied, typo or not
        await _type(pilot, dialog, "new-secret", NEW_PASSWORD)
        await _type(pilot, dialog, "new-secret-again", NEW_PASSWORD)
        text = await _review(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.question == f"Reset the {kind} password of user {user.user_id}?"
        assert "held in memory for the send only" in app.screen.message
        assert NEW_PASSWORD not in text
        await pilot.press("y")
        await wait_loaded(pilot)
        stored = box.bhex_org.find(user.user_id)
        digest = hashlib.md5(NEW_PASSWORD.encode()).hexdigest()
        assert (stored.login_pwd_md5 if kind == "login" else stored.trade_pwd_md5) == digest
        [entry] = journal_for(app.session).entries()
        assert entry.state is EntryState.ACCEPTED
        assert NEW_PASSWORD not in entry.request.model_dump_json()
        assert digest not in entry.request.model_dump_json()
        text = screen_text(app)
        assert "done:" in text and NEW_PASSWORD not in text and digest not in text


async def test_bind_ga_shows_the_key_once_with_a_qr_code(monkeypatch) -> None:
    fixed = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    monkeypatch.setattr("tui.sandbox.bhex_users.pyotp.random_base32", lambda _n=32: fixed)
    app, box = users_app()
    async with app.run_test(size=SIZE) as pilot:
        user = _pick(box, lambda u: u.ga_seed is None)
        await _card(pilot, box, user)
        dialog = await _open(pilot, "B", GaBindDialog)
        qr = dialog.query_one("#ga-qr", QRCode)
        assert fixed in screen_text(app) and qr.data.startswith("otpauth://totp/")
        assert fixed in qr.data and qr.modules
        await _type(pilot, dialog, "ga-code", "123")
        refused = await _review(pilot)
        assert "six digits" in refused and fixed in refused  # still shown: not taken yet
        code = pyotp.TOTP(fixed).at(box.services["bhex"].now_ms() // 1000)
        await _type(pilot, dialog, "ga-code", code)
        text = await _review(pilot)
        assert app.screen.question == f"Bind the new GA key to user {user.user_id}?"
        assert fixed not in text and code not in text
        await pilot.press("y")
        await wait_loaded(pilot)
        assert box.bhex_org.find(user.user_id).ga_seed == fixed
        text = screen_text(app)
        assert "done: GA bound" in text and fixed not in text and code not in text
        assert qr.data == "" and not qr.modules
        [entry] = journal_for(app.session).entries()
        assert fixed not in entry.request.model_dump_json()


async def test_register_from_the_users_screen_shows_the_new_card() -> None:
    app, box = users_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_users(pilot, sync=False)
        screen.set_focus(None)
        dialog = await _open(pilot, "n", RegisterDialog)
        dialog.query_one("#reg-way", Select).value = "email"
        await _type(pilot, dialog, "reg-email", "desk.newcomer@coinsole.test")
        await _type(pilot, dialog, "reg-password", NEW_PASSWORD)
        await _type(pilot, dialog, "reg-password-again", NEW_PASSWORD)
        text = await _review(pilot)
        assert app.screen.question == "Register desk.newcomer@coinsole.test?"
        assert NEW_PASSWORD not in text
        await pilot.press("y")
        await wait_loaded(pilot)
        [entry] = journal_for(app.session).entries()
        new_id = entry.venue_ref
        assert entry.state is EntryState.ACCEPTED and new_id
        assert box.bhex_org.find(new_id).email == "desk.newcomer@coinsole.test"
        assert f"new user {new_id}" in screen_text(app)
        await pilot.press("escape")
        await wait_loaded(pilot)
        assert screen.user_id == new_id and screen.card.done
        assert NEW_PASSWORD not in screen_text(app)


async def test_the_write_menu_runs_the_chosen_write() -> None:
    app, box = users_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_users(pilot, sync=False)
        screen.set_focus(None)
        menu = await _open(pilot, "w", UserWriteMenu)
        options = menu.query_one("#writes")
        assert options.get_option("update_kyc").disabled  # no user on screen yet
        assert not options.get_option("register_user").disabled
        await pilot.press("escape")
        await _card(pilot, box, _pick(box, lambda u: True))
        await _open(pilot, "w", UserWriteMenu)
        await pilot.press("down", "down", "enter")  # the third: the login password
        await wait_loaded(pilot)
        assert isinstance(app.screen, PasswordResetDialog) and app.screen.kind == "login"


async def test_a_policy_holds_kyc_and_blocks_password_resets(tmp_path, monkeypatch) -> None:
    _policy(tmp_path, monkeypatch,
            '[[rule]]\nname = "kyc needs two"\naction = "kyc"\noutcome = "approve"\n'
            'quorum = "2 of support"\n[[rule]]\nname = "passwords"\naction = '
            '["login_password", "trade_password"]\noutcome = "block"\n'
            'reason = "by phone only"\n')
    app, box = users_app()
    async with app.run_test(size=SIZE) as pilot:
        _gate(app)
        user = _pick(box, lambda u: u.verify_status == 2)
        screen = await _card(pilot, box, user)
        dialog = await _open(pilot, "K", KycUpdateDialog)
        dialog.query_one("#kyc-card_type", Select).value = 1
        await _type(pilot, dialog, "kyc-first_name", "Held")
        await _review(pilot)
        await pilot.press("y")
        await wait_loaded(pilot)
        assert "submitted for approval" in screen_text(app)
        assert box.bhex_org.find(user.user_id).first_name == user.first_name  # not sent
        await pilot.press("escape")
        await wait_loaded(pilot)
        screen.set_focus(None)
        before = box.bhex_org.find(user.user_id).login_pwd_md5
        dialog = await _open(pilot, "L", PasswordResetDialog)
        await _type(pilot, dialog, "new-secret", NEW_PASSWORD)
        await _type(pilot, dialog, "new-secret-again", NEW_PASSWORD)
        await _review(pilot)
        await pilot.press("y")
        await wait_loaded(pilot)
        text = screen_text(app)
        assert "not sent" in text and "by phone only" in text and NEW_PASSWORD not in text
        assert box.bhex_org.find(user.user_id).login_pwd_md5 == before
        states = [(e.kind, e.state) for e in journal_for(app.session).entries()]
        assert states == [("kyc", EntryState.PENDING_APPROVAL)]  # the block journals nothing


async def test_writes_need_a_user_on_screen() -> None:
    app, _ = users_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_users(pilot, sync=False)
        screen.set_focus(None)
        for key in ("K", "i", "L", "T", "B"):
            await pilot.press(key)
        await wait_loaded(pilot)
        assert app.screen is screen
        assert [n.message for n in app._notifications] == ["choose a user first"] * 5


async def test_help_lists_every_write_key() -> None:
    from tui.screens.help import HelpScreen, binding_help

    app, _ = users_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_users(pilot, sync=False)
        screen.set_focus(None)
        entries = {e.keys: e.description for e in binding_help(screen)
                   if e.section == "this screen"}
        for key, words in (("w", "by menu"), ("K", "KYC"), ("i", "inviter"),
                           ("L", "login password"), ("T", "trade password"), ("B", "GA key"),
                           ("n", "Register"), ("I", "CSV")):
            assert words in entries.get(key, ""), (key, entries)
        await pilot.press("question_mark")
        await wait_loaded(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert "Update many users' KYC from a CSV file" in screen_text(app)


async def test_a_lost_reply_is_settled_at_once_while_the_password_is_held() -> None:
    """The reply to a trade-password reset is lost: the dialog settles it by lookup
    (valid_trade_password with the held password) before it forgets the password; it is
    never resent."""
    from tui.support.held_secrets import _HELD

    app, box = users_app()
    async with app.run_test(size=SIZE) as pilot:
        user = _pick(box, lambda u: bool(u.trade_pwd_md5), start=360)
        await _card(pilot, box, user)
        dialog = await _open(pilot, "T", PasswordResetDialog)
        await _type(pilot, dialog, "new-secret", NEW_PASSWORD)
        await _type(pilot, dialog, "new-secret-again", NEW_PASSWORD)
        await _review(pilot)
        box.faults.configure("bhex", drop_rate=1.0)
        await pilot.press("y")
        await wait_loaded(pilot)
        box.faults.configure("bhex")
        [entry] = journal_for(app.session).entries()
        assert entry.state is EntryState.ACCEPTED, entry.note
        assert entry.attempts == 1 and "valid_trade_password" in entry.receipt.evidence
        path = [e.to_state for e in journal_for(app.session).events(entry.id)]
        assert EntryState.UNKNOWN in path  # the reply was lost, then settled
        assert box.bhex_org.find(user.user_id).trade_pwd_md5 == hashlib.md5(
            NEW_PASSWORD.encode()).hexdigest()
        assert entry.request.client_key not in _HELD  # forgotten once settled
        assert "done: trade password set" in screen_text(app)


async def test_a_vault_lock_under_the_confirmation_forgets_the_password() -> None:
    app, box = users_app()
    async with app.run_test(size=SIZE) as pilot:
        user = _pick(box, lambda u: True)
        before = box.bhex_org.find(user.user_id).login_pwd_md5
        await _card(pilot, box, user)
        dialog = await _open(pilot, "L", PasswordResetDialog)
        await _type(pilot, dialog, "new-secret", NEW_PASSWORD)
        await _type(pilot, dialog, "new-secret-again", NEW_PASSWORD)
        await _review(pilot)
        assert isinstance(app.screen, ConfirmScreen) and dialog._pending
        await app.lock_vault()
        assert not dialog._pending
        await pilot.press("y")
        await wait_loaded(pilot)
        assert "forgotten when the vault locked" in str(dialog.query_one("#outcome").render())
        assert not journal_for(app.session).entries()
        assert box.bhex_org.find(user.user_id).login_pwd_md5 == before
