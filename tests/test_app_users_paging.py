"""Pilot tests of the Users screen's list and card placeholder (key 9, the demo sandbox):
a full page of matches ends with a more-entry that loads the next page where the
highlight is, every match reachable; the #state line's count; the card's placeholder
until a user is chosen and after a profile switch clears it."""

from __future__ import annotations

from test_app_support import screen_text, wait_loaded
from test_app_users import SIZE, open_users, type_search, users_app
from textual.widgets import Input, OptionList, Static

from tui.sandbox.profiles import BHEX_DEMO_USER_ID
from tui.screens.user_card import UserCardView
from tui.screens.users import MORE_ID, PAGE, UsersScreen


def ids(results: OptionList) -> list[str | None]:
    """The option ids of the results, in order."""
    return [results.get_option_at_index(i).id for i in range(results.option_count)]


def state(screen: UsersScreen) -> str:
    """The #state line's text."""
    return str(screen.query_one("#state", Static).render())


def every_match(screen: UsersScreen, text: str) -> list[str]:
    """Every user the index matches ``text`` with, in its order."""
    index = screen._index()
    try:
        return [m.user.user_id for m in index.search(text, 100_000)]
    finally:
        index.close()


async def test_a_full_page_ends_with_more_which_loads_the_next_where_the_highlight_is() -> None:
    app, _ = users_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_users(pilot)
        await type_search(pilot, screen, "4")  # every uid of the org starts with 4
        expected = every_match(screen, "4")
        assert len(expected) == 500
        results = screen.query_one("#results", OptionList)
        assert ids(results) == [*expected[:PAGE], MORE_ID]
        assert state(screen) == "50 matches shown · more below"
        results.focus()
        await pilot.press("end")  # the highlight onto the more-entry loads the next page
        await wait_loaded(pilot)
        assert ids(results) == [*expected[:2 * PAGE], MORE_ID]
        assert results.highlighted == PAGE  # where the user was: the first new match
        assert state(screen) == "100 matches shown · more below"
        await pilot.press("enter")  # a match: its card
        await wait_loaded(pilot)
        assert screen.user_id == expected[PAGE]
        # every match is reachable, each once, in the index's order
        results.focus()
        for _ in range(20):
            if results.get_option_at_index(results.option_count - 1).id != MORE_ID:
                break
            await pilot.press("end")
            await wait_loaded(pilot)
        assert ids(results) == expected
        assert state(screen) == "500 matches"


async def test_a_page_for_an_older_search_is_dropped() -> None:
    app, _ = users_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_users(pilot)
        await type_search(pilot, screen, "4")
        older = screen._listing
        screen.query_one("#search", Input).value = BHEX_DEMO_USER_ID[:9]
        await wait_loaded(pilot)
        results = screen.query_one("#results", OptionList)
        before = ids(results)
        assert len(before) == 3
        screen._more_loaded(older, [])  # the older search's page arrives late
        await pilot.pause()
        assert ids(results) == before and state(screen) == "3 matches"


async def test_the_state_line_counts_the_matches() -> None:
    app, _ = users_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_users(pilot)
        indexed = state(screen)
        await type_search(pilot, screen, BHEX_DEMO_USER_ID[:9])
        assert state(screen) == "3 matches"
        assert "3 matches" in screen_text(app)
        await type_search(pilot, screen, BHEX_DEMO_USER_ID[9:])
        assert state(screen) == "1 match"
        await type_search(pilot, screen, "zz")
        assert state(screen) == "no user matches"
        screen.query_one("#search", Input).value = ""
        await wait_loaded(pilot)
        assert state(screen) == indexed  # the index's note again


async def test_the_card_says_how_to_choose_a_user_until_one_is_chosen() -> None:
    app, _ = users_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_users(pilot)
        card = screen.query_one("#card", UserCardView)
        assert card.empty
        text = screen_text(app)
        assert "Search for a user (uid, mobile, email)" in text and "Base info" not in text
        await type_search(pilot, screen, BHEX_DEMO_USER_ID)
        await pilot.press("enter")
        await wait_loaded(pilot)
        assert not card.empty
        assert "Search for a user" not in screen_text(app)
        screen.profile_switched()  # what a profile switch does: the card cleared
        await wait_loaded(pilot)
        assert card.empty and "Search for a user" in screen_text(app)


async def test_a_failed_page_says_so_and_enter_on_the_more_entry_tries_again(
        monkeypatch) -> None:
    from tui.support.user_index import UserIndex

    app, _ = users_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_users(pilot)
        await type_search(pilot, screen, "4")
        expected = every_match(screen, "4")
        real = UserIndex.search

        def locked(self, text, limit=20):
            raise RuntimeError("database is locked")

        monkeypatch.setattr(UserIndex, "search", locked)
        results = screen.query_one("#results", OptionList)
        results.focus()
        await pilot.press("end")
        await wait_loaded(pilot)
        assert state(screen) == ("50 matches shown · more below · loading more failed: "
                                 "database is locked")
        assert ids(results) == [*expected[:PAGE], MORE_ID] and results.highlighted == PAGE
        monkeypatch.setattr(UserIndex, "search", real)
        await pilot.press("enter")  # Enter on the more-entry loads the next page
        await wait_loaded(pilot)
        assert ids(results) == [*expected[:2 * PAGE], MORE_ID]
        assert results.highlighted == PAGE
