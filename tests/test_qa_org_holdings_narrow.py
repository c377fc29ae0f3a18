"""QA: at 80×24 the Org holdings table must not cut an amount. The totals panel beside it
left the table 39 columns, too few for UID, Coin and Total, so totals were cut mid-digit;
now a narrow terminal gives the table the whole width and ``t`` swaps in the totals."""

from __future__ import annotations

from test_app_org_holdings import open_holdings, wait_exported

from tui.app import CoinsoleApp
from tui.demo import demo_session


async def test_no_total_is_cut_at_80_columns_and_t_shows_the_totals() -> None:
    app = CoinsoleApp(demo_session(), demo=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_holdings(pilot)
        table = screen.table
        assert table is not None
        shown = [column.key for column, _ in table.layout()]
        assert "total" in shown
        for row in table.window.rows:
            total = row.cells[[c.key for c in screen.source.columns].index("total")]
            lines = [str(table.render_line(y).text) for y in range(1, len(table.window.rows) + 1)]
            assert any(total in line for line in lines), total
        assert not screen.query_one("#org-side").display or \
            screen.query_one("#org-side").region.width == 0
        await pilot.press("t")
        await pilot.pause()
        assert screen.query_one("#org-side").region.width > 40
        assert "coin totals (exact)" in str(screen.query_one("#org-totals").render())
        assert app.focused is screen.query_one("#org-side")
        await pilot.press("t")
        await pilot.pause()
        assert screen.query_one("#org-table").region.width == 80


async def test_a_wide_terminal_keeps_the_totals_beside_the_table() -> None:
    app = CoinsoleApp(demo_session(), demo=True)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_holdings(pilot)
        assert screen.query_one("#org-side").region.width == 40
        assert not screen.has_class("-narrow")


async def test_the_export_path_is_shown_whole_at_80_columns() -> None:
    from test_app_orders import capture_notices

    app = CoinsoleApp(demo_session(), demo=True)
    notices = capture_notices(app)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_holdings(pilot)
        screen.apply_filter("coin=BTC")
        await pilot.press("e")
        await wait_exported(pilot, screen)
        path = screen.note.split(" to ", 1)[1].rsplit(" (", 1)[0]
        assert any(path in str(n) for n in notices), notices


async def test_t_still_changes_the_theme_on_a_wide_terminal() -> None:
    app = CoinsoleApp(demo_session(), demo=True)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_holdings(pilot)
        before = app.theme
        await pilot.press("t")
        await pilot.pause()
        assert app.theme != before
        assert not screen.has_class("-totals")


async def test_back_to_user_stays_in_the_80_column_footer() -> None:
    from test_app_support import screen_text

    app = CoinsoleApp(demo_session(), demo=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_holdings(pilot)
        uid = screen.table.window.rows[0].ident[0]
        screen.show_user(uid, return_mode="balances")
        screen.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        assert "Back to user" in screen_text(app)
