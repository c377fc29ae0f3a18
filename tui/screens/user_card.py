"""The user card as widgets: each part of :mod:`tui.support.card` under its title, the
lists in the very tables the History and Orders screens show them in.

Deposits and withdrawals use History's :data:`~tui.screens.history.RECORD_COLUMNS`
(withdrawals with one more column naming the broker-audit state), the balance flow
History's :data:`~tui.screens.history.FLOW_COLUMNS`, open orders and positions Orders'
:data:`~tui.screens.orders.ORDER_COLUMNS` and :data:`~tui.screens.orders.POSITION_COLUMNS`
— each in a :class:`~tui.widgets.record_table.RecordTable` (sort, filter, CSV export, and
its own loading and error states). Balances (BHEX accounts, and the user's ChainUp rows)
and OTC orders get RecordTables of their own columns; the other parts are text
(:func:`tui.support.card_text.part_lines`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.screens.history import FLOW_COLUMNS, RECORD_COLUMNS
from tui.screens.orders import ORDER_COLUMNS, POSITION_COLUMNS
from tui.support.card import PART_TITLES, PARTS, CardPart, PartState
from tui.support.card_text import broker_audit_text
from tui.widgets.record_table import Column, RecordTable, format_time_ms

__all__ = ["UserCardView", "TABLE_PARTS", "OTC_COLUMNS", "WITHDRAWAL_COLUMNS", "BHEX_BALANCE_COLUMNS",
           "CHAINUP_COLUMNS", "NO_USER"]

NO_USER = "Search for a user (uid, mobile, email) and press Enter to see their card."
"""What the card says until a user is chosen (and after a profile switch clears it)."""


def _otc(name: str) -> Callable[[Any], Any]:
    return lambda row: row.get(name)


def _otc_words(table_name: str, name: str) -> Callable[[Any], str]:
    def words(row: Any) -> str:
        from tui.venues import bhex_users

        table = getattr(bhex_users, table_name)
        try:
            return str(table.get(int(row.get(name)), row.get(name)))
        except (TypeError, ValueError):
            return str(row.get(name))

    return words


OTC_COLUMNS: tuple[Column, ...] = (
    Column("time (UTC)", "createDate", value=lambda r: _time(r.get("createDate"))),
    Column("side", "side", value=_otc_words("OTC_SIDES", "side")),
    Column("token", "tokenId", value=_otc("tokenId")),
    Column("quantity", "quantity", numeric=True, value=_otc("quantity")),
    Column("price", "price", numeric=True, value=_otc("price")),
    Column("amount", "amount", numeric=True, value=_otc("amount")),
    Column("status", "status", value=_otc_words("OTC_STATUS", "status")),
    Column("order id", "id", value=_otc("id")),
)
"""OTC orders (``/v2/org/otc/order/list`` rows)."""


def _time(value: Any) -> str:
    try:
        return format_time_ms(int(value))
    except (TypeError, ValueError):
        return ""


WITHDRAWAL_COLUMNS: tuple[Column, ...] = (
    *RECORD_COLUMNS[:6],
    Column("broker audit", "broker_audit", value=lambda r: broker_audit_text(r.venue_status),
           style=lambda r: "warning" if broker_audit_text(r.venue_status) else None),
    *RECORD_COLUMNS[6:],
)
"""History's record columns with the broker-audit state after the status."""

def _row(name: str) -> Callable[[Any], Any]:
    return lambda row: row.get(name)


BHEX_BALANCE_COLUMNS: tuple[Column, ...] = (
    Column("account", "account", value=_row("account")),
    Column("coin", "tokenId", value=_row("tokenId")),
    Column("free", "free", numeric=True, value=_row("free")),
    Column("locked", "locked", numeric=True, value=_row("locked")),
    Column("total", "total", numeric=True, value=_row("total")),
)
"""One BHEX ``account/balance`` row per line, amounts as the venue sent them."""

CHAINUP_COLUMNS: tuple[Column, ...] = (
    Column("profile", "profile", value=_row("profile")),
    Column("account", "account", value=lambda r: r["balance"].account.label),
    Column("coin", "coin", value=lambda r: r["balance"].coin),
    Column("available", "available", numeric=True, value=lambda r: r["balance"].available),
    Column("frozen", "frozen", numeric=True, value=lambda r: r["balance"].frozen),
    Column("total", "total", numeric=True, value=lambda r: r["balance"].total),
)
"""The user's rows in each ChainUp org snapshot (exact sums per coin and account)."""

NO_CHAINUP = "no ChainUp profile: the org's ChainUp accounts are not asked"

_TABLES: dict[str, tuple[tuple[Column, ...], Callable[[Any], Hashable], str]] = {
    "balances": (BHEX_BALANCE_COLUMNS, lambda r: (r["account"], r["tokenId"]), "no balances"),
    "chainup": (CHAINUP_COLUMNS,
                lambda r: (r["profile"], r["balance"].account.label, r["balance"].coin),
                "no ChainUp account with this uid"),
    "deposits": (RECORD_COLUMNS, lambda r: r.id, "no deposits"),
    "withdrawals": (WITHDRAWAL_COLUMNS, lambda r: r.id, "no withdrawals"),
    "flow": (FLOW_COLUMNS, lambda r: r.id, "no balance changes"),
    "otc": (OTC_COLUMNS, lambda r: str(r.get("id")), "no OTC orders"),
    "open_orders": (ORDER_COLUMNS, lambda o: o.order_id, "no open orders"),
    "positions": (POSITION_COLUMNS, lambda p: p.position_id, "no open positions"),
}


TABLE_PARTS = tuple(_TABLES)
"""The parts shown as tables; the rest are text."""


class UserCardView(VerticalScroll):
    """Every part of one user's card under its title; :meth:`draw` shows a part's state.
    With no user (at first, and after :meth:`clear`) only :data:`NO_USER` shows."""

    DEFAULT_CSS = """
    UserCardView { padding: 0 1; }
    UserCardView > #card-placeholder { display: none; color: $text-muted; margin-top: 1; }
    UserCardView.-empty > * { display: none; }
    UserCardView.-empty > #card-placeholder { display: block; }
    UserCardView .part-title { color: $text-muted; text-style: bold; margin-top: 1; }
    UserCardView .part { height: auto; }
    UserCardView .part.-loading { color: $text-muted; text-style: italic; }
    UserCardView .part.-failed { color: $error; }
    UserCardView RecordTable { height: 12; }
    UserCardView #part-balances, UserCardView #part-chainup { height: 10; }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id, classes="-empty")

    @property
    def empty(self) -> bool:
        """No user's card is shown (the placeholder is)."""
        return self.has_class("-empty")

    def compose(self) -> ComposeResult:
        yield Static(NO_USER, id="card-placeholder", markup=False)
        for name in PARTS:
            yield Static(PART_TITLES[name], classes="part-title", markup=False)
            if name in _TABLES:
                columns, key, empty = _TABLES[name]
                yield RecordTable(columns, record_key=key, name=PART_TITLES[name].lower(),
                                  export_prefix="user", empty_text=empty,
                                  id=f"part-{name}")
            else:
                yield Static("", id=f"part-{name}", classes="part", markup=False)

    def table(self, name: str) -> RecordTable:
        """The table of part ``name`` (one of :data:`TABLE_PARTS`)."""
        return self.query_one(f"#part-{name}", RecordTable)

    def clear(self) -> None:
        """Show no user: the placeholder instead of the parts."""
        self.add_class("-empty")
        for name in PARTS:
            if name in TABLE_PARTS:
                self.table(name).set_records([])
            else:
                self.query_one(f"#part-{name}", Static).update("")

    def draw(self, part: CardPart) -> None:
        """Show ``part``: loading, its error, or its data (the placeholder goes)."""
        self.remove_class("-empty")
        if part.name in TABLE_PARTS:
            table = self.table(part.name)
            if part.state is PartState.LOADING:
                table.set_records([])
                table.show_loading()
            elif part.state is PartState.FAILED:
                table.show_error(f"failed: {part.error}")
            else:
                if part.name == "chainup":
                    table.empty_text = (NO_CHAINUP if part.data is None
                                        else _TABLES["chainup"][2])
                table.set_records(part.data or [])
            return
        from tui.support.card_text import part_lines

        widget = self.query_one(f"#part-{part.name}", Static)
        widget.set_class(part.state is PartState.LOADING, "-loading")
        widget.set_class(part.state is PartState.FAILED, "-failed")
        widget.update("\n".join(part_lines(part)))
