"""QA: the Users screen on an empty index says "press s to sync it"; pressing s there
used to type an "s" into the search (the search had the focus). Now s syncs."""

from __future__ import annotations

from test_app_users import open_users, users_app
from textual.widgets import Input

from test_app_support import screen_text, wait_loaded


async def test_s_syncs_an_empty_index_straight_away() -> None:
    app, _ = users_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_users(pilot, sync=False)
        assert "press s to sync" in screen_text(app)
        await pilot.press("s")
        await wait_loaded(pilot)
        assert screen.query_one("#search", Input).value == ""
        assert "synced:" in str(screen.query_one("#state").render())
        await pilot.press("slash", "1")
        assert screen.query_one("#search", Input).value == "1"
