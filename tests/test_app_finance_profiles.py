"""The Finance screen's profile switch, as on the other org screens: with two BHEX
profiles the profile Select (and ``p``) switches, a batch prepared for one profile is
dropped on switching, and the next batch is previewed, sent and journaled for the profile
chosen (real demo sandbox, real journal)."""

from __future__ import annotations

import pytest
from test_app_finance import A, B, SIZE, type_path
from test_app_orders import capture_notices
from test_app_support import screen_text, wait_loaded, wait_until
from textual.widgets import Select

from tui.app import CoinsoleApp
from tui.demo import DemoSession, demo_credentials
from tui.journal_ui import journal_for
from tui.screens.finance import FinanceScreen


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path / "home"))


class TwoBhexSession(DemoSession):
    """The demo session plus ``bhex-two``: a second BHEX org profile on the same sandbox
    org (same demo key)."""

    def __init__(self) -> None:
        super().__init__()
        base = next(p for p in self.profiles if p.venue == "bhex")
        self.profiles.append(base.model_copy(update={"name": "bhex-two"}))
        self.credentials = lambda p: demo_credentials(base if p.name == "bhex-two" else p)


async def test_p_and_the_select_switch_profiles_and_the_batch_follows(tmp_path) -> None:
    path = tmp_path / "drop.csv"
    path.write_text(f"uid,coin,amount\n{A},AT,1\n{B},AT,2\n", encoding="utf-8")
    app = CoinsoleApp(TwoBhexSession(), demo=True, idle_lock_minutes=None)
    capture_notices(app)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await app.run_action("open_finance")
        await wait_loaded(pilot)
        screen = app.screen
        assert isinstance(screen, FinanceScreen)
        assert screen.profiles == ["bhex-demo", "bhex-two"] and screen.profile == "bhex-demo"
        await type_path(pilot, screen, path)
        assert screen.request is not None and screen.request.profile == "bhex-demo"
        screen.query_one("#op", Select).focus()
        await pilot.press("p")
        await pilot.pause()
        assert screen.profile == "bhex-two"
        assert screen.query_one("#profile", Select).value == "bhex-two"
        assert screen.request is None and not screen.check_action("send", ())
        assert "profile bhex-two: type a CSV file's path" in screen_text(app)
        await type_path(pilot, screen, path)
        assert screen.request.profile == "bhex-two"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await wait_loaded(pilot)
        await wait_until(pilot, lambda: bool(screen.rows))
        (entry,) = journal_for(app.session).entries()
        assert entry.profile == "bhex-two" and entry.state.value == "ACCEPTED"
        assert [r.ok for r in screen.rows] == [True, True]
        screen.choose_profile("bhex-demo")
        await pilot.pause()
        assert screen.profile == "bhex-demo" and screen.rows == []
