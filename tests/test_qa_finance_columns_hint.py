"""QA: at 80 columns the Finance path field is 14 cells wide, so its placeholder showed
"path of" and never the CSV's columns; the line under the bar now names them."""

from __future__ import annotations

from test_app_finance import _home, finance_app, open_finance  # noqa: F401 - the fixture
from test_app_support import screen_text


async def test_the_csv_columns_are_readable_at_80_columns() -> None:
    app = finance_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_finance(pilot)
        assert "uid,coin,amount[,lock][,subject]" in screen_text(app).replace("\n", "")
