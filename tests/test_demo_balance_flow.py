"""Issue 12, missing: demo data for balance flow. The BHEX demo user's main spot account
has a balance flow whose running totals end at its balances now."""

from __future__ import annotations

from decimal import Decimal

from test_app_history import SIZE, history_app, open_history
from test_app_support import screen_text, wait_loaded
from test_cli_history import records

from tui.core.models import AccountKind
from tui.demo import demo_session


async def test_each_tokens_last_flow_total_is_its_balance_now() -> None:
    adapter = demo_session().adapter("bhex-demo")
    flows = await adapter.flow_history()
    assert len(flows) >= 5
    assert {"Deposit", "Trade", "Transfer", "Withdraw", "Bonus"} <= {f.flow_type for f in flows}
    balances = {b.coin: b for b in await adapter.balances()
                if b.account.kind is AccountKind.SPOT and b.account.index == 0}
    latest = {}
    for flow in flows:  # newest first
        latest.setdefault(flow.coin, flow)
    assert set(latest) == set(balances)
    for coin, flow in latest.items():
        assert flow.total == balances[coin].total, coin
    assert latest["USDT"].change == Decimal("0.00205479")  # the document's Bonus record


def test_cli_history_flow_in_the_demo_lists_it() -> None:
    rows = records("history", "flow", "--profile", "bhex-demo")
    assert len(rows) >= 5
    assert rows[0]["coin"] == "USDT" and rows[0]["change"] == "0.00205479"


async def test_history_flow_tab_shows_rows_in_the_demo() -> None:
    app = history_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot, "bhex-demo")
        await pilot.press("]", "]")
        await wait_loaded(pilot)
        assert screen.active_table_id == "flow"
        assert len(screen.table("flow").records) >= 5
        assert "Bonus" in screen_text(app) and "Deposit" in screen_text(app)
