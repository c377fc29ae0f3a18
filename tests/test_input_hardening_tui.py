"""The Move money forms apply the CLI's input checks (issue 11, items 5 and 15): amount
precision per venue on a transfer, control characters in an internal transfer's remark."""

from __future__ import annotations

from test_app_move import SIZE, choose, make_app, open_form, review_enabled

from tui.core.validation import default_decimals


async def test_transfer_form_refuses_more_decimals_than_the_venue_allows() -> None:
    app, _, journal = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, "transfer")
        await choose(pilot, form, "profile", "fcoin-demo")
        await choose(pilot, form, "coin", "USDT")
        places = default_decimals("fcoin")
        form.ctl("amount").value = "0." + "0" * places + "1"
        await pilot.pause()
        form.validate()
        assert f"at most {places} decimals" in form.field_row("amount").error_text
        assert not review_enabled(form)
        assert journal.entries() == []


async def test_internal_transfer_form_refuses_a_remark_with_control_characters() -> None:
    app, _, journal = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, "internal")
        await choose(pilot, form, "profile", "bitunix-demo")
        await choose(pilot, form, "coin", "USDT")
        form.ctl("recipient").value = "123456"
        form.ctl("amount").value = "1"
        form.ctl("remark").value = "hi\x1b[2J"
        await pilot.pause()
        form.validate()
        assert "control" in form.field_row("remark").error_text
        assert not review_enabled(form)
        assert journal.entries() == []
