"""The org holdings store: exact per-coin totals kept as rows merge (against a plain
Decimal sum), sort keys that order like the numbers, damaged files moved aside."""

from __future__ import annotations

from decimal import Decimal, localcontext

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.stores.exact import AmountRefused, parse_keyed, parse_scaled, sort_key
from tui.stores.org_holdings import AVAILABLE, FROZEN, HoldingRow, HoldingsStore

import pytest

amounts = st.decimals(min_value=Decimal("-1e30"), max_value=Decimal("1e30"), places=None,
                      allow_nan=False, allow_infinity=False).filter(
    lambda d: -d.as_tuple().exponent <= 40 if d.as_tuple().exponent < 0 else True)


def text_of(number: Decimal) -> str:
    return format(number, "f")


def row(uid: str, coin: str, type_: str, balance: str, side: int = AVAILABLE) -> HoldingRow:
    return HoldingRow(uid, coin, type_, f"{uid}{coin}{type_}", coin, side, balance, 1)


def exact_sum(values) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 10_000  # far beyond any sum here: plain Decimal arithmetic, no rounding
        return sum(values, Decimal(0))


def merge_in_pages(store: HoldingsStore, changes, page: int,
                   **merge: bool) -> dict[tuple[str, str, str], tuple[int, Decimal]]:
    """Merge ``changes`` ((uid, coin, type, amount), a 202... type frozen) ``page`` rows
    at a time; what each key holds afterwards: (side, amount)."""
    current: dict[tuple[str, str, str], tuple[int, Decimal]] = {}
    batch = []
    for uid, coin, type_, amount in changes:
        side = FROZEN if type_.startswith("202") else AVAILABLE
        batch.append(row(str(uid), coin, type_, text_of(amount), side))
        current[(str(uid), coin, type_)] = (side, amount)
        if len(batch) == page:
            store.merge(batch, {}, **merge)
            batch = []
    store.merge(batch, {}, **merge)
    return current


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.sampled_from(["BTC", "USDT", "ETH"]),
                          st.sampled_from(["201101", "202101", "217"]), amounts),
                min_size=1, max_size=80),
       st.integers(1, 40))
def test_totals_equal_a_plain_decimal_sum_after_any_merges(changes, page) -> None:
    store = HoldingsStore.memory()
    current = merge_in_pages(store, changes, page)
    totals = {t.coin: t for t in store.totals()}
    for coin in {key[1] for key in current}:
        rows = [v for k, v in current.items() if k[1] == coin]
        assert totals[coin].available == exact_sum(a for s, a in rows if s == AVAILABLE)
        assert totals[coin].frozen == exact_sum(a for s, a in rows if s == FROZEN)
        assert totals[coin].total == exact_sum(a for _, a in rows)
        assert totals[coin].rows == len(rows)
    assert store.count() == len(current)


@settings(max_examples=200, deadline=None)
@given(amounts, amounts)
def test_sort_keys_order_like_the_numbers(a, b) -> None:
    ka, kb = sort_key(parse_scaled(text_of(a))), sort_key(parse_scaled(text_of(b)))
    assert (ka < kb) == (a < b) and (ka == kb) == (a == b)
    assert parse_keyed(text_of(a))[1] == ka


def test_totals_survive_a_thirty_digit_balance_exactly() -> None:
    store = HoldingsStore.memory()
    big = "149555114999999999999999.0139600009053943"
    store.merge([row("1", "USDT", "201", big), row("2", "USDT", "201", "0.0000000000000001")], {})
    total = store.totals()[0].available
    assert str(total) == "149555114999999999999999.0139600009053944"


@pytest.mark.parametrize("bad", ["NaN", "Infinity", "1e400", "abc", "", "1" * 101])
def test_a_bad_balance_is_refused_and_nothing_is_written(bad) -> None:
    store = HoldingsStore.memory()
    store.merge([row("1", "BTC", "201", "1")], {"cursor": 5})
    with pytest.raises(AmountRefused):
        store.merge([row("2", "BTC", "201", "2"), row("3", "BTC", "201", bad)], {"cursor": 9})
    assert store.count() == 1 and store.sync_state() == {"cursor": 5}
    assert store.totals()[0].available == Decimal(1)


def test_a_damaged_file_is_moved_aside_and_made_afresh(tmp_path) -> None:
    path = tmp_path / "cache" / "org.sqlite"
    path.parent.mkdir()
    path.write_bytes(b"this is not sqlite" * 100)
    store = HoldingsStore.open(path)
    assert store.quarantined is not None and store.quarantined.exists()
    store.merge([row("1", "BTC", "201", "1.5")], {})
    assert store.count() == 1
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_bulk_mode_drops_and_rebuilds_the_sort_indexes(tmp_path) -> None:
    store = HoldingsStore.open(tmp_path / "org.sqlite")
    store.begin_bulk()
    store.merge([row(str(i), "BTC", "201", str(i)) for i in range(50)], {})
    names = lambda: {r[0] for r in store.query(  # noqa: E731
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'holdings_by%'")}
    assert names() == set()
    store.end_bulk()
    assert names() == {"holdings_by_total", "holdings_by_coin"}  # available, frozen: on demand
    assert [r.uid for r in store.top_holders("BTC", 3)] == ["49", "48", "47"]


def test_a_fresh_merge_that_meets_an_existing_key_falls_back_and_stays_exact() -> None:
    store = HoldingsStore.memory()
    store.merge([row("1", "BTC", "201", "1.5"), row("2", "BTC", "201", "2")], {}, fresh=True)
    # "1" exists already, and "3" comes twice in the page: both handled as replacements
    store.merge([row("1", "BTC", "201", "0.25"), row("3", "BTC", "201", "7"),
                 row("3", "BTC", "201", "8")], {}, fresh=True)
    total = store.totals()[0]
    assert total.available == Decimal("10.25") and total.rows == 3 and store.count() == 3
    assert store.row("3", "BTC", "201").balance == "8"


def test_two_connections_writing_keep_the_totals_exact(tmp_path) -> None:
    path = tmp_path / "org.sqlite"
    first, second = HoldingsStore.open(path), HoldingsStore.open(path)
    first.merge([row("1", "BTC", "201", "1")], {})
    second.merge([row("2", "BTC", "201", "2")], {})  # another process, say
    first.merge([row("1", "BTC", "201", "5")], {})
    assert first.totals()[0].available == Decimal(7) == second.totals()[0].available
    first.clear()
    second.merge([row("3", "BTC", "201", "0.5")], {})
    assert first.totals()[0].available == Decimal("0.5") and first.count() == 1


@settings(max_examples=500, deadline=None)
@given(st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False).map(lambda d: format(d, "f")),
    st.from_regex(r"-?[0-9٠-٩]{0,62}(\.[0-9]{0,62})?", fullmatch=True),
    st.text(max_size=12)))
def test_the_fast_keyed_parse_agrees_with_parse_scaled_and_sort_key(text) -> None:
    try:
        expected = parse_scaled(text)
    except AmountRefused:
        with pytest.raises(AmountRefused):
            parse_keyed(text)
        return
    from tui.stores.exact import to_decimal_exact

    amount, key = parse_keyed(text)
    assert to_decimal_exact(*amount) == to_decimal_exact(*expected)
    assert key == sort_key(expected)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 300), st.sampled_from(["BTC", "USDT", "ETH"]),
                          st.sampled_from(["201101", "202101", "217"]), amounts),
                min_size=1, max_size=80),
       st.integers(1, 40))
def test_fresh_merges_sum_exactly_whether_new_or_repeated(changes, page) -> None:
    """A first pull's pages (``fresh``): all-new pages are summed per coin at once, a page
    meeting a stored key (or repeating one) falls back; either way the totals are exact."""
    store = HoldingsStore.memory()
    current = merge_in_pages(store, changes, page, fresh=True)
    totals = {t.coin: t for t in store.totals()}
    for coin in {key[1] for key in current}:
        rows = [v for k, v in current.items() if k[1] == coin]
        assert totals[coin].available == exact_sum(a for s, a in rows if s == AVAILABLE)
        assert totals[coin].frozen == exact_sum(a for s, a in rows if s == FROZEN)
        assert totals[coin].rows == len(rows)
    assert store.count() == len(current)


def test_available_and_frozen_are_indexed_the_first_time_they_are_sorted_by(tmp_path) -> None:
    from tui.stores.holdings_source import HoldingsSource
    from tui.stores.table_query import Query

    store = HoldingsStore.open(tmp_path / "org.sqlite")
    store.begin_bulk()
    store.merge([row(str(i), "BTC", "201", str(i), side=i % 2) for i in range(40)], {})
    assert store.ensure_index("available_key") is False  # a bulk pull builds none yet
    store.end_bulk()
    source = HoldingsSource(store.reader(), ensure_index=store.ensure_index)
    plan = lambda sql: " ".join(str(r) for r in store.query(  # noqa: E731
        f"EXPLAIN QUERY PLAN {sql}"))
    by_available = "SELECT uid FROM holdings ORDER BY available_key, uid, coin, type LIMIT 5"
    assert "holdings_by_available" not in plan(by_available)
    assert not store.has_index("holdings_by_available")

    rows = source.page(Query("available", True), None, forward=True, limit=3)
    assert [r.ident[0] for r in rows] == ["38", "36", "34"]  # even uids: available side
    assert store.has_index("holdings_by_available")
    assert "holdings_by_available" in plan(by_available)
    assert not store.has_index("holdings_by_frozen")
    assert store.ensure_index("available_key") is True  # there already: nothing built
    source.page(Query("frozen", True), None, forward=True, limit=3)
    assert store.has_index("holdings_by_frozen")
    store.close()
