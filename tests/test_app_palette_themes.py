"""Issue 12 (clumsy): the palette listed two "Theme" entries and offered Textual's twenty
themes. Now one "Theme" entry remains, and it offers coinsole's themes only."""

from __future__ import annotations

from test_app_support import wait_loaded
from textual.command import CommandPalette

from tui.app import CoinsoleApp
from tui.demo import demo_session


async def palette_names(pilot, query: str) -> list[str]:
    """The entries the open palette shows for ``query``."""
    await pilot.press(*query)
    await wait_loaded(pilot)  # the palette's search runs in a worker
    palette = pilot.app.screen
    assert isinstance(palette, CommandPalette)
    options = palette.query_one("CommandList").options
    return [str(option.prompt).split("\n")[0] for option in options]


async def test_one_theme_entry_offering_coinsole_themes_only() -> None:
    app = CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        names = await palette_names(pilot, "theme")
        assert sum(name.strip() == "Theme" for name in names) == 1, names
        await pilot.press("escape")
        await pilot.pause()
        assert sorted(app.available_themes) == sorted(app.theme_cycle)
        assert len(app.theme_cycle) == 3
        app.action_change_theme()  # what the palette's "Theme" entry runs
        await wait_loaded(pilot)
        names = await palette_names(pilot, "")
        assert sorted(n.strip() for n in names) == sorted(app.theme_cycle), names
