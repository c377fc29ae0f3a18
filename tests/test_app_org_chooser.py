"""Discoverability of the org screens (issue 16): the palette's "Org" entry opens a small
chooser listing Finance, Payments, Org settings and Statistics (Enter or the number opens
one; Escape closes), the help screen lists them with how to reach them, and a session
with no BHEX profile offers none of it (demo sandbox, Textual pilot)."""

from __future__ import annotations

import pytest
from test_app_support import screen_text, wait_loaded
from textual.widgets import OptionList

from tui.app import CoinsoleApp, CoinsoleCommands
from tui.demo import DemoSession, demo_session
from tui.screens.finance import FinanceScreen
from tui.screens.help import HelpScreen
from tui.screens.org_chooser import ORG_SCREENS, OrgChooserScreen, org_help_entries
from tui.screens.org_settings import OrgSettingsScreen
from tui.screens.payments import PaymentsScreen
from tui.screens.statistics import StatisticsScreen

SIZE = (130, 36)


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path / "home"))


def app_for(session=None) -> CoinsoleApp:
    return CoinsoleApp(session or demo_session(), demo=True, idle_lock_minutes=None)


def _commands_of(app):
    provider = CoinsoleCommands(app.screen)
    return provider._commands()


async def test_the_org_entry_opens_a_chooser_and_each_screen_from_it() -> None:
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert "Org" in [name for name, _, _ in _commands_of(app)]
        opened = []
        for key, kind in (("1", FinanceScreen), ("2", PaymentsScreen),
                          ("3", OrgSettingsScreen), ("4", StatisticsScreen)):
            await app.run_action("open_org")
            await pilot.pause()
            assert isinstance(app.screen, OrgChooserScreen)
            text = screen_text(app)
            assert all(s.name in text for s in ORG_SCREENS)
            await pilot.press(key)
            await wait_loaded(pilot)
            assert isinstance(app.screen, kind)
            opened.append(app.screen.sub_title)
            await pilot.press("escape")
            await pilot.pause()
        assert opened == ["finance", "payments", "org settings", "statistics"]
        await app.run_action("open_org")
        await pilot.pause()
        chooser = app.screen
        chooser.query_one(OptionList).highlighted = 1
        await pilot.press("enter")
        await wait_loaded(pilot)
        assert isinstance(app.screen, PaymentsScreen)
        await pilot.press("escape")
        await pilot.pause()
        await app.run_action("open_org")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, (OrgChooserScreen, PaymentsScreen))


async def test_help_lists_the_org_screens_and_how_to_reach_them() -> None:
    app = app_for()
    async with app.run_test(size=(130, 60)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        org = [(e.keys, e.description) for e in app.screen.entries
               if e.section == "org screens (ctrl+p, then the name or Org)"]
        assert org[0] == ("ctrl+p", "Org — choose one of Finance, Payments, Org settings, "
                                    "Statistics")
        assert [d.split(" — ")[0] for _, d in org[1:]] == ["Finance", "Payments",
                                                            "Org settings", "Statistics"]
        help_box = app.screen.query_one("VerticalScroll")
        help_box.scroll_end(animate=False)
        await pilot.pause()
        text = screen_text(app)
        assert "org screens (ctrl+p, then the name or Org)" in text
        assert "Statistics — holdings, top holders, deposits" in text


class NoOrgSession(DemoSession):
    """The demo without its BHEX profile."""

    def __init__(self) -> None:
        super().__init__()
        self.profiles = [p for p in self.profiles if p.venue != "bhex"]


async def test_without_a_bhex_profile_nothing_org_is_offered() -> None:
    assert org_help_entries(["fcoin", "bitz"]) == []
    app = app_for(NoOrgSession())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert "Org" not in [name for name, _, _ in _commands_of(app)]
        await app.run_action("open_org")
        await pilot.pause()
        assert not isinstance(app.screen, OrgChooserScreen)
