"""Org settings at 80 columns: the three changes (o, l, x) are in the footer with their
descriptions, and the price-limits dialog draws each input as a visible (shaded) field and fits 24 rows."""

from __future__ import annotations

import pytest
from org_app_steps import demo_app, open_screen
from test_app_support import screen_text
from textual.widgets import Input

from tui.screens.org_settings import OrgSettingsScreen
from tui.screens.setting_confirm import SettingConfirmScreen
from tui.widgets.key_footer import KeyFooter

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path / "home"))


def footer_line(app) -> str:
    """The footer's row as text (the last line of the screen)."""
    return screen_text(app).rstrip().splitlines()[-1]


async def test_change_keys_fit_the_footer_at_80_columns() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(pilot, "open_org_settings", OrgSettingsScreen)
        assert screen.table("symbols").select_key("ETHUSDT")
        screen.table("symbols").focus()
        await pilot.pause()
        footer = footer_line(app)
        for shown in ("o Trading", "l Limits", "x Close transfers", "esc Close"):
            assert shown in footer, footer
        assert screen.query_one(KeyFooter).region.width == 80


async def test_price_limit_inputs_are_boxed() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(pilot, "open_org_settings", OrgSettingsScreen)
        assert screen.table("symbols").select_key("ETHUSDT")
        await pilot.press("l")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, SettingConfirmScreen)
        fields = list(modal.query(Input))
        assert len(fields) == 4
        box = modal.query_one("Vertical")
        for field in fields:  # one line each (the dialog fits 24 rows), shaded as a field
            assert field.region.width >= 20
            assert field.styles.background != box.styles.background
        assert modal.query_one("#confirm").region.bottom <= SIZE[1]
