"""The Payments screen's date range (``since`` / ``until`` in the bar: the venue's
start_time / end_time) against the demo sandbox: Enter applies a date, a bad date or a
range ending before it starts is refused in one line and changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from test_app_payments import SIZE, open_payments, payments_app
from test_app_support import screen_text, wait_loaded
from textual.widgets import Input

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path / "home"))


def hours_ago(app, hours: int) -> str:
    now = app.session.sandbox.services["bhex"].now_ms()
    return (EPOCH + timedelta(milliseconds=now) - timedelta(hours=hours)).strftime(
        "%Y-%m-%dT%H:%M:%S")


async def type_into(pilot, field_id: str, text: str) -> None:
    field = pilot.app.screen.query_one(f"#{field_id}", Input)
    field.focus()
    field.value = text
    await pilot.press("enter")
    await wait_loaded(pilot)


async def test_since_and_until_narrow_the_list_and_bad_dates_change_nothing() -> None:
    app = payments_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_payments(pilot)
        assert len(screen.page) == 8
        await type_into(pilot, "since", hours_ago(app, 35))
        assert [o.client_order_id for o in screen.page] == ["Demo0008", "Demo0007",
                                                             "Demo0006"]
        assert f"{screen.since} to …" in screen_text(app)
        await type_into(pilot, "until", "31/01/2026")
        assert app.notices[-1] == ("until must be an ISO date like 2026-01-31 (or "
                                   "2026-01-31T09:30), not '31/01/2026'")
        assert screen.until == "" and len(screen.page) == 3
        await type_into(pilot, "until", "2000-01-01")
        assert app.notices[-1] == "until is before since; choose the range again"
        assert screen.until == "" and len(screen.page) == 3
        await type_into(pilot, "since", "")
        await type_into(pilot, "until", hours_ago(app, 55))
        assert [o.client_order_id for o in screen.page] == ["Demo0003", "Demo0002",
                                                             "Demo0001", "Demo0000"]
        await type_into(pilot, "until", "2000-01-01")
        assert screen.page == [] and "no payment orders" in screen_text(app)
