"""Pilot tests of KYC import from the Users screen (``I``) on the demo sandbox: a CSV path
previewed with every row's diff against the user's KYC now, one confirmation sending the
rows that change as one journaled batch; a file with invalid rows (each line named) or a
user the org does not have is refused whole, nothing journaled."""

from __future__ import annotations

from test_app_support import screen_text, wait_loaded
from test_app_user_write_dialogs import _open, _pick, _type
from test_app_users import SIZE, open_users, users_app

from tui.journal.states import EntryState
from tui.journal_ui import journal_for
from tui.screens.confirm import ConfirmScreen
from tui.screens.kyc_import_dialog import KycImportDialog

HEADER = "user_id,country_code,first_name,last_name,card_type,card_no,verify_status\n"


def _row(user, **over) -> str:
    cells = {"user_id": user.user_id, "country_code": user.country_code,
             "first_name": user.first_name, "last_name": user.second_name,
             "card_type": "1", "card_no": user.card_no, "verify_status": str(user.verify_status)}
    cells.update(over)
    return ",".join(cells[c] for c in HEADER.strip().split(",")) + "\n"


async def _dialog(pilot) -> KycImportDialog:
    screen = await open_users(pilot, sync=False)
    screen.set_focus(None)
    return await _open(pilot, "I", KycImportDialog)


async def test_preview_with_the_diff_then_one_confirmation_sends_the_batch(tmp_path) -> None:
    app, box = users_app()
    a = _pick(box, lambda u: u.verify_status == 2 and u.card_no)
    b = _pick(box, lambda u: u.verify_status == 2 and u.card_no and u.user_id != a.user_id,
              start=340)
    path = tmp_path / "kyc.csv"
    path.write_text(HEADER + _row(a, card_no="NEWCARD01") + _row(b), encoding="utf-8")
    async with app.run_test(size=SIZE) as pilot:
        dialog = await _dialog(pilot)
        await _type(pilot, dialog, "kyc-path", str(path))
        await pilot.press("enter")
        await wait_loaded(pilot)
        assert app.screen is dialog  # a preview, nothing to confirm yet
        text = screen_text(app)
        assert f"user {a.user_id}" in text and f"{a.card_no} -> NEWCARD01" in text
        assert "2 rows: 2 change" in text  # the card type is never reported: b changes too
        assert not journal_for(app.session).entries()
        await pilot.press("ctrl+s")
        await wait_loaded(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.question == "Update the KYC of 2 users from kyc.csv?"
        assert "card_no" in app.screen.message and "changes for 1 user(s)" in app.screen.message
        await pilot.press("y")
        await wait_loaded(pilot)
        assert box.bhex_org.find(a.user_id).card_no == "NEWCARD01"
        [entry] = journal_for(app.session).entries()
        assert entry.state is EntryState.ACCEPTED and entry.request.batch
        assert entry.request.source == "kyc.csv" and "2 of 2 updated" in screen_text(app)


async def test_invalid_rows_refuse_the_file_with_their_lines(tmp_path) -> None:
    app, box = users_app()
    a = _pick(box, lambda u: u.verify_status == 2)
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + _row(a, card_no="OK1") + _row(a, user_id="12a")
                    + _row(a, user_id="1", country_code="CHN"), encoding="utf-8")
    missing = tmp_path / "missing.csv"
    missing.write_text(HEADER + _row(a, user_id="1"), encoding="utf-8")
    async with app.run_test(size=SIZE) as pilot:
        dialog = await _dialog(pilot)
        await _type(pilot, dialog, "kyc-path", str(path))
        await pilot.press("ctrl+s")
        await wait_loaded(pilot)
        problem = str(dialog.query_one("#problem").render())
        assert "2 invalid row(s), the file is refused" in problem
        assert "line 3: user_id" in problem and "line 4: country_code" in problem
        assert app.screen is dialog and dialog.preview is None
        await pilot.press("ctrl+s")  # again: still refused, never confirmed
        await wait_loaded(pilot)
        assert app.screen is dialog
        await _type(pilot, dialog, "kyc-path", str(missing))
        await pilot.press("enter")
        await wait_loaded(pilot)
        assert "name users the org does not have" in str(dialog.query_one("#problem").render())
        assert "line 2: no such user 1" in screen_text(app)
        await _type(pilot, dialog, "kyc-path", str(tmp_path / "absent.csv"))
        await pilot.press("enter")
        await wait_loaded(pilot)
        assert "absent.csv" in str(dialog.query_one("#problem").render())
        assert not journal_for(app.session).entries()
        assert box.bhex_org.find(a.user_id).card_no == a.card_no
