"""Issue 12: the Balances column choice is saved (settings.toml) and restored on the next
start; a broken settings file means the defaults, never a crash."""

from __future__ import annotations

from test_app_support import screen_text, wait_loaded

from tui.app import CoinsoleApp
from tui.demo import demo_session
from tui.screens.columns import ColumnChooserScreen
from tui.ui_settings import load_ui_settings, settings_file
from tui.widgets.balance_rows import SortKey


async def test_hidden_columns_come_back_on_the_next_start() -> None:
    app = CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None)
    async with app.run_test(size=(200, 40)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("C")
        await pilot.pause()
        assert isinstance(app.screen, ColumnChooserScreen)
        await pilot.press("tab", "space")  # untick venue
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.table.user_hidden == {SortKey.VENUE}
    assert load_ui_settings().hidden_balance_columns == {"venue"}
    again = CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None)
    async with again.run_test(size=(200, 40)) as pilot:
        await wait_loaded(pilot)
        table = again.screen.table
        assert table.user_hidden == {SortKey.VENUE}
        assert "venue" not in [key.value for key in table.columns]
        assert "you hid venue (C)" in screen_text(again)


async def test_a_broken_settings_file_means_the_defaults() -> None:
    path = settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("[tui\nhidden_balance_columns = 3", encoding="utf-8")
    assert load_ui_settings().hidden_balance_columns == frozenset()
    path.write_text('[tui]\nhidden_balance_columns = ["venue", "nonsense"]\n'
                    'time_zone = "mars"\n', encoding="utf-8")
    settings = load_ui_settings()
    assert settings.time_zone == "utc"
    app = CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None)
    async with app.run_test(size=(200, 40)) as pilot:
        await wait_loaded(pilot)
        assert app.screen.table.user_hidden == {SortKey.VENUE}
