"""The balance detail modal: the exact, full values behind one row of the balances table."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Grid, Vertical
from textual.widgets import Label, Static

from tui.core.amounts import exact_amount as plain
from tui.screens.modal import ModalBase, close_binding
from tui.widgets.balance_rows import Row

__all__ = ["BalanceDetailScreen", "detail_fields"]


def detail_fields(row: Row) -> list[tuple[str, str]]:
    """The (label, text) pairs the modal shows for ``row``: every amount as
    :func:`~tui.core.amounts.exact_amount` text, carrying every digit the venue sent."""
    pairs: list[tuple[str, str]] = []
    if row.kind == "balance" and row.balance is not None:
        balance = row.balance
        pairs += [
            ("profile", balance.profile),
            ("venue", balance.venue),
            ("account", balance.account.label),
            ("coin", balance.coin),
            ("available", plain(balance.available)),
            ("frozen", plain(balance.frozen)),
        ]
        if balance.total is not None:
            pairs.append(("total", plain(balance.total)))
        for quote, value in sorted(balance.valuations.items()):
            pairs.append((f"value {quote}", plain(value)))
        return pairs
    pairs.append(("coin", row.coin))
    pairs.append(("balances", str(row.count)))
    for name in ("available", "frozen", "total", "value"):
        value = getattr(row, name)
        if value is not None:
            pairs.append((name, plain(value)))
    return pairs


class BalanceDetailScreen(ModalBase[None]):
    """Shows one balance (or one coin's total) with every digit; Esc or Enter closes it."""

    BINDINGS: list[BindingType] = [
        close_binding(),
    ]

    DEFAULT_CSS = """
    BalanceDetailScreen > Vertical { width: 72; }
    BalanceDetailScreen Grid {
        grid-size: 2;
        grid-columns: 12 1fr;
        grid-gutter: 0 2;
        height: auto;
    }
    BalanceDetailScreen .field { color: $text-muted; }
    BalanceDetailScreen .value { color: $foreground; text-style: bold; }
    """

    def __init__(self, row: Row) -> None:
        super().__init__()
        self.row = row

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            if self.row.kind == "balance":
                box.border_title = f"{self.row.coin} · {self.row.profile} · {self.row.account}"
            else:
                box.border_title = f"{self.row.coin} · total across every profile"
            with Grid():
                for name, text in detail_fields(self.row):
                    yield Label(name, classes="field", markup=False)
                    yield Label(text, classes="value", markup=False, id=f"detail-{name.replace(' ', '-')}")
            yield Static("every digit as the venue sent it · esc closes", classes="hint", markup=False)
