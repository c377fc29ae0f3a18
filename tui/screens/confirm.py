"""A reusable yes/no confirmation modal.

Push it with a callback (or ``push_screen_wait`` from a worker) and get ``True`` when the
user confirms, ``False`` otherwise::

    self.app.push_screen(
        ConfirmScreen("Remove profile desk?", "Its settings and vault entry are deleted.",
                      confirm_label="Remove", danger=True),
        callback=lambda yes: yes and self.remove("desk"),
    )
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from tui.screens.modal import ModalBase

__all__ = ["ConfirmScreen"]


class ConfirmScreen(ModalBase[bool]):
    """Asks one question; dismisses with ``True`` (confirm) or ``False`` (cancel).

    ``title`` is the question, ``message`` explains the consequences, ``confirm_label``
    and ``cancel_label`` name the two buttons, and ``danger`` styles the confirm button as
    destructive. Focus starts on the cancel button, so a stray Enter does no harm.
    """

    TONE = "warning"
    CANCEL_RESULT = False

    # The dialogs' one convention: ctrl+s confirms and esc cancels (as in Move money's
    # confirmation and every form); a yes/no question takes y and n too.
    BINDINGS: list[BindingType] = [
        Binding("ctrl+s,y", "confirm", "Yes", key_display="^s/y", tooltip="Confirm"),
        Binding("escape,n", "cancel", "No", key_display="esc/n", tooltip="Cancel"),
    ]

    DEFAULT_CSS = """
    ConfirmScreen > Vertical { width: 64; }
    ConfirmScreen .question { color: $foreground; text-style: bold; }
    ConfirmScreen .message { color: $text-muted; margin-top: 1; }
    """

    def __init__(self, title: str, message: str = "", *, confirm_label: str = "Yes",
                 cancel_label: str = "Cancel", danger: bool = False) -> None:
        super().__init__()
        self.question = title
        self.message = message
        self.confirm_label = confirm_label
        self.cancel_label = cancel_label
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Confirm"
            yield Static(self.question, classes="question", markup=False)
            if self.message:
                yield Static(self.message, classes="message", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(f"{self.cancel_label}  (esc/n)", id="cancel")
                yield Button(f"{self.confirm_label}  (ctrl+s/y)", id="confirm",
                             variant="error" if self.danger else "primary")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def action_confirm(self) -> None:
        """Close the modal, answering yes."""
        self.dismiss(True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm")
