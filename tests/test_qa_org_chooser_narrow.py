"""QA: at 80 columns the Org chooser wrapped a description under the screen's number
("3  Org settings  symbol trade status, price limits, sub-account" / "transfers"), so the
list lost its columns; a wrapped description now stays under itself."""

from __future__ import annotations

from test_app_org_chooser import _home, app_for  # noqa: F401 - the fixture
from test_app_support import wait_loaded
from textual.widgets import OptionList

from tui.screens.org_chooser import OrgChooserScreen


async def test_a_wrapped_description_stays_in_its_column() -> None:
    app = app_for()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await app.run_action("open_org")
        await pilot.pause()
        assert isinstance(app.screen, OrgChooserScreen)
        options = app.screen.query_one(OptionList)
        lines = [options.render_line(y).text for y in range(options.size.height)]
        text = "\n".join(lines)
        assert "transfers" in text
        continued = [line for line in lines if line.strip()
                     and not line.strip()[0].isdigit()]
        assert continued, text
        for line in continued:  # under the descriptions, past "N  Name          "
            assert len(line) - len(line.lstrip(" ▊▎")) >= 17, repr(line)
