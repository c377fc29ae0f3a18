"""The Org holdings screen on the demo sandbox: it opens the ChainUp org from the store,
syncs in a worker with progress on the bar, names type codes and shows showName, keeps
exact per-coin totals, filters (a refused filter changes nothing) and opens at once from
the store after a restart."""

from __future__ import annotations

from decimal import Decimal

from tui.app import CoinsoleApp
from tui.demo import demo_session
from tui.screens.org_holdings import OrgHoldingsScreen
from tui.widgets.virtual_table import VirtualTable

SIZE = (150, 36)


async def open_holdings(pilot) -> OrgHoldingsScreen:
    await pilot.press("0")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, OrgHoldingsScreen)
    await wait_synced(pilot, screen)
    return screen


async def wait_synced(pilot, screen) -> None:
    for _ in range(1000):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        table = screen.table
        if screen.note.startswith(("synced", "sync failed")) and table is not None \
                and table.total is not None and table.total == screen.source.store.count():
            return
    raise AssertionError(f"no sync: {screen.note!r} {screen.table.total} {screen.source.store.count()} {screen.table.query} {screen.table.error}")


async def wait_exported(pilot, screen) -> None:
    """Wait until the export started with ``e`` says it is done (or gives up)."""
    for _ in range(200):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if screen.note.startswith(("exported", "export failed")):
            return


async def test_the_org_opens_syncs_and_sums_exactly() -> None:
    app = CoinsoleApp(demo_session(), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_holdings(pilot)
        assert screen.note.startswith("synced · ")
        table = screen.table
        assert table.total == screen.source.store.count() > 0
        cells = [r.cells for r in table.window.rows]
        assert any(c[2].startswith("201 normal") for c in cells)
        assert all("1658" not in c[1] or "(" in c[1] for c in cells)  # shown by showName
        totals = {t.coin: t for t in screen.source.store.totals()}
        rows = screen.source.store.query("SELECT coin, balance FROM holdings")
        for coin, total in totals.items():
            assert total.total == sum((Decimal(b) for c, b in rows if c == coin), Decimal(0))
        side = str(screen.query_one("#org-totals").render())
        assert "coin totals (exact)" in side

        screen.apply_filter("total>lots")
        assert screen.note.startswith("filter refused: total> needs a number")
        assert table.query.text == ""
        await pilot.press("u")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        uid = table.window.rows[0].ident[0]
        assert table.query.text == f"uid={uid}"
        assert {r.ident[0] for r in table.window.rows} == {uid}
        await pilot.press("x")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert table.query.text == "" and table.total == screen.source.store.count()


async def test_a_restart_opens_from_the_store_before_any_request() -> None:
    session = demo_session()
    app = CoinsoleApp(session, demo=True)
    async with app.run_test(size=SIZE) as pilot:
        first = await open_holdings(pilot)
        count = first.source.store.count()
    session = demo_session()
    session.sandbox.faults.down("chainup")
    app = CoinsoleApp(session, demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("0")
        await pilot.pause()
        screen = pilot.app.screen
        await wait_synced(pilot, screen)
        assert screen.note.startswith("sync failed")  # the venue is down...
        assert screen.table.total == count  # ...and the stored org still shows
        assert len(screen.table.window.rows) > 0


async def test_export_writes_the_filtered_rows(tmp_path) -> None:
    import csv

    app = CoinsoleApp(demo_session(), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_holdings(pilot)
        screen.apply_filter("coin=BTC")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("e")
        await wait_exported(pilot, screen)
        assert screen.note.startswith(f"exported {screen.table.total:,} rows to ")
        path = screen.note.split(" to ", 1)[1].rsplit(" (", 1)[0]
        with open(path, newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert len(rows) == screen.table.total and {r["show_name"] for r in rows} == {"BTC"}


async def test_a_bhex_org_shows_token_hold_detail() -> None:
    app = CoinsoleApp(demo_session(), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_holdings(pilot)
        bhex = next(name for name in screen.profiles
                    if screen.session.profile(name).venue == "bhex")
        screen.choose_profile(bhex)
        for _ in range(1000):
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            if screen.note.endswith("(token_hold_detail)"):
                break
        await wait_synced(pilot, screen)
        assert screen.note.endswith("(token_hold_detail)")
        rows = screen.table.window.rows
        assert rows and all(r.cells[2].startswith(("available (account", "lock (account"))
                            for r in rows)
        assert screen.table.total == screen.source.store.count() > 0


async def test_show_user_opens_one_users_rows_of_another_profile() -> None:
    app = CoinsoleApp(demo_session(), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_holdings(pilot)
        uid = screen.table.window.rows[3].ident[0]
        screen.show_user(uid)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert {r.ident[0] for r in screen.table.window.rows} == {uid}
        assert screen.table.total == len(screen.source.store.user_rows(uid))
        bhex = next(n for n in screen.profiles if screen.session.profile(n).venue == "bhex")
        screen.show_user("6002", profile=bhex)
        for _ in range(1000):
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            table = screen.table
            if table is not None and table.query.text == "uid=6002" and table.total is not None:
                break
        assert screen.profile == bhex and screen.table.query.text == "uid=6002"
        assert {r.ident[0] for r in screen.table.window.rows} <= {"6002"}


async def test_sorting_by_available_builds_its_index_once() -> None:
    app = CoinsoleApp(demo_session(), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_holdings(pilot)
        assert not screen.store.has_index("holdings_by_available")
        screen.table.set_sort("available", descending=True)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.store.has_index("holdings_by_available")
        assert screen.table.query.sort == "available"
        shown = [r.cells[3] for r in screen.table.window.rows]
        values = [Decimal(c.replace(",", "")) for c in shown]
        assert values == sorted(values, reverse=True) and values[0] > 0
        assert not screen.note.startswith("indexing")


async def test_a_long_export_says_how_far_it_is(monkeypatch) -> None:
    import tui.stores.holdings_export as holdings_export

    monkeypatch.setattr(holdings_export, "PAGE", 10)  # progress every 10 rows
    app = CoinsoleApp(demo_session(), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_holdings(pilot)
        notes: list[str] = []
        set_note = screen._set_note
        monkeypatch.setattr(screen, "_set_note", lambda text: (notes.append(text),
                                                               set_note(text)))
        await pilot.press("e")
        await wait_exported(pilot, screen)
        total = screen.table.total
        assert total > 20
        assert "exporting to org-holdings-" in notes[0]
        assert any(n.endswith(f": 10 of {total:,} rows…") for n in notes)
        assert any(n.endswith(f": 20 of {total:,} rows…") for n in notes)
        assert screen.note.startswith(f"exported {total:,} rows to ")


async def test_a_first_pull_shows_its_rows_by_uid_then_gives_the_order_back(monkeypatch) -> None:
    sorts: list[tuple[str, bool | None]] = []
    notes: list[str] = []
    set_sort, set_note = VirtualTable.set_sort, OrgHoldingsScreen._set_note

    def recorded_sort(self, column, descending=None):
        sorts.append((column, descending))
        set_sort(self, column, descending)

    def recorded_note(self, text):
        notes.append(text)
        set_note(self, text)

    monkeypatch.setattr(VirtualTable, "set_sort", recorded_sort)
    monkeypatch.setattr(OrgHoldingsScreen, "_set_note", recorded_note)
    app = CoinsoleApp(demo_session(), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_holdings(pilot)
        assert sorts[0] == ("uid", False)  # the pull's rows as they land, by the key
        assert any(n.endswith(" · by uid until indexed") for n in notes)
        assert sorts[-1] == ("total", True)  # indexed: the table's own order back
        assert screen.table.query.sort == "total" and screen.table.query.descending
        assert not screen._landing
        coin = screen.table.window.current.ident[1]
        top = str(screen.query_one("#org-top").render())
        assert top.startswith("largest") and "once the first pull" not in top
        assert screen.source.store.top_holders(coin, 1)[0].uid in top
