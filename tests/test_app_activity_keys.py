"""Issue 12 (clumsy): Activity's row keys (s settle, c cancel, a resolve) were silent on
rows they do not apply to. Pressed there, each now says why it does nothing."""

from __future__ import annotations

from test_app_activity import fcoin_transfer
from test_app_move import make_app
from test_app_orders import capture_notices
from test_app_support import wait_loaded

from tui.screens.activity import ActivityScreen


async def test_row_keys_say_why_on_a_settled_entry() -> None:
    app, session, _ = make_app()
    notices = capture_notices(app)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(pilot)
        await fcoin_transfer(session, "0.5")  # accepted and done: nothing to settle/resolve
        await pilot.press("4")
        await wait_loaded(pilot)
        screen = app.screen
        assert isinstance(screen, ActivityScreen) and screen.selected() is not None
        assert not screen.check_action("settle", ())
        for key, words in (("s", "select an UNKNOWN entry to settle"),
                           ("a", "is resolved by hand"),
                           ("c", "can be cancelled")):
            await pilot.press(key)
            await pilot.pause()
            assert any(words in text for text in notices), (key, notices)
        assert app.screen is screen  # nothing opened
