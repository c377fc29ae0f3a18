"""QA: in the Withdraw form, choosing "choose" again in the coin list kept the last
coin's "available" and fee on screen (a balance beside no coin)."""

from __future__ import annotations

from test_app_move import SIZE, choose, make_app, open_form
from test_app_support import screen_text, wait_loaded


async def test_going_back_to_choose_clears_the_last_coins_balance_and_fee() -> None:
    app, _, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, "withdraw")
        await choose(pilot, form, "profile", "bitunix-demo")
        await choose(pilot, form, "coin", "USDT")
        assert "available 1530.2045 USDT" in screen_text(app)
        form.ctl("coin").clear()
        await wait_loaded(pilot)
        text = screen_text(app)
        assert "available 1530.2045" not in text and "fee 1 USDT" not in text
        assert form.quote is None
        await choose(pilot, form, "coin", "USDT")
        assert "available 1530.2045 USDT" in screen_text(app)
