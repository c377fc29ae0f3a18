"""The Users screen's write menu (``w``): every support write with its own key, for a pick
by arrows and Enter. It dismisses with the Users screen action to run (or None)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.screens.modal import ModalBase, cancel_binding

__all__ = ["UserWriteMenu", "WRITES"]

WRITES = (
    ("K", "update_kyc", "Update KYC (prefilled; the diff confirmed)", True),
    ("i", "rebuild_invite", "Rebuild the invite relation (a user with no inviter)", True),
    ("L", "reset_login_password", "Reset the login password (masked, typed twice)", True),
    ("T", "reset_trade_password", "Reset the trade password (masked, typed twice)", True),
    ("B", "bind_ga", "Bind a new GA key (shown once, with a QR code)", True),
    ("f", "status_flags", "Status flags as toggles", True),
    ("n", "register_user", "Register a new user", False),
    ("I", "kyc_import", "Import KYC from a CSV file (previewed, confirmed once)", False),
)
"""(key, Users screen action, what it does, needs a user on screen)."""


class UserWriteMenu(ModalBase["str | None"]):
    """Pick a support write; ``user_id`` None greys out those needing a user."""

    BINDINGS: list[BindingType] = [cancel_binding("Close the menu", "Close")]

    DEFAULT_CSS = """
    UserWriteMenu > Vertical { width: 72; }
    UserWriteMenu #writes { height: auto; max-height: 12; }
    """

    def __init__(self, user_id: str | None) -> None:
        super().__init__()
        self.user_id = user_id

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = (f"Change user {self.user_id}" if self.user_id
                                else "Support writes")
            yield OptionList(*(Option(f"{key}  {text}", id=action,
                                      disabled=needs_user and self.user_id is None)
                               for key, action, text, needs_user in WRITES), id="writes")
            yield Static("Each is confirmed with exactly what changes, journaled and sent "
                         "through the approvals policy. esc closes.", classes="hint",
                         markup=False)

    def on_mount(self) -> None:
        self.query_one("#writes", OptionList).focus()

    @on(OptionList.OptionSelected, "#writes")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(str(event.option.id))
