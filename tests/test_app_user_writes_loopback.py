"""The Users screen's support writes end to end over real HTTP: a real session (not the
demo's) on a sandbox served on loopback, its journal a SQLite file in the data directory
with the approvals gate the app sets itself; a policy blocks login-password resets (nothing
journaled, nothing sent) and allows trade-password resets (journaled, sent, the password in
neither the journal file nor on screen)."""

from __future__ import annotations

import hashlib

from bhex_org_world import BHEX, served_org
from test_app_support import screen_text, wait_loaded
from test_app_user_write_dialogs import NEW_PASSWORD, _open, _review, _type

from tui.app import CoinsoleApp
from tui.config import Profile
from tui.journal.states import EntryState
from tui.journal_ui import journal_for
from tui.paths import app_paths
from tui.screens.confirm import ConfirmScreen
from tui.screens.users import UsersScreen
from tui.screens.user_write_dialogs import PasswordResetDialog
from tui.session import Session
from tui.venues.base import Credentials

SIZE = (120, 48)


def _session(url: str) -> Session:
    profile = Profile(name="desk", venue="bhex", base_url=url + "/bhex", user_id=BHEX.user_id)
    return Session([profile], credentials=lambda p: Credentials(BHEX.api_key, BHEX.secret))


async def test_over_loopback_a_policy_blocks_one_reset_and_allows_another(
        tmp_path, monkeypatch) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text('[[rule]]\nname = "login by phone only"\naction = "login_password"\n'
                      'outcome = "block"\nreason = "login resets by phone only"\n'
                      '[[rule]]\noutcome = "allow"\n', encoding="utf-8")
    monkeypatch.setenv("COINSOLE_POLICY", str(policy))
    monkeypatch.setenv("COINSOLE_OPERATOR", "ann")
    with served_org(400) as (box, url):
        user = next(box.bhex_org.user(p) for p in range(300, 400)
                    if box.bhex_org.user(p).trade_pwd_md5)
        app = CoinsoleApp(_session(url), idle_lock_minutes=None)
        async with app.run_test(size=SIZE) as pilot:
            await wait_loaded(pilot)
            await pilot.press("9")
            await wait_loaded(pilot)
            screen = app.screen
            assert isinstance(screen, UsersScreen) and screen.profile == "desk"
            screen.show_user(user.user_id)
            await wait_loaded(pilot)
            screen.set_focus(None)
            login_before = box.bhex_org.find(user.user_id).login_pwd_md5
            for key, expected in (("L", "login resets by phone only"),
                                  ("T", "done: trade password set")):
                dialog = await _open(pilot, key, PasswordResetDialog)
                await _type(pilot, dialog, "new-secret", NEW_PASSWORD)
                await _type(pilot, dialog, "new-secret-again", NEW_PASSWORD)
                await _review(pilot)
                assert isinstance(app.screen, ConfirmScreen)
                await pilot.press("y")
                await wait_loaded(pilot)
                said = str(dialog.query_one("#outcome").render())
                assert expected in said, said
                assert NEW_PASSWORD not in screen_text(app)
                await pilot.press("escape")
                await wait_loaded(pilot)
                screen.set_focus(None)
            digest = hashlib.md5(NEW_PASSWORD.encode()).hexdigest()
            stored = box.bhex_org.find(user.user_id)
            assert stored.login_pwd_md5 == login_before and stored.trade_pwd_md5 == digest
            journal = journal_for(app.session)
            assert [(e.kind, e.state) for e in journal.entries()] == [
                ("trade_password", EntryState.ACCEPTED)]
        files = list(app_paths().data_dir.glob("journal.sqlite*"))
        assert files
        for path in files:  # the database and any WAL beside it
            raw = path.read_bytes()
            assert NEW_PASSWORD.encode() not in raw and digest.encode() not in raw
