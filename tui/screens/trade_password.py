"""A masked prompt for the BHEX trade password a send needs: used once, never stored or
shown; dismisses with it as a SecretStr, or None. Activity's keyed resend and the
Approvals screen's execute each say why they ask."""

from __future__ import annotations

from pydantic import SecretStr
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from tui.screens.modal import ModalBase

__all__ = ["TradePasswordPrompt"]


class TradePasswordPrompt(ModalBase[SecretStr | None]):
    """The prompt; a subclass gives :attr:`title` and :attr:`text` (and its bindings)."""

    TONE = "warning"

    DEFAULT_CSS = """
    TradePasswordPrompt > Vertical { width: 70; }
    TradePasswordPrompt .text { color: $foreground; margin-bottom: 1; }
    """

    prompt_title = ""
    """The dialog's border title."""
    prompt_text = ""
    """What is being sent and what the password is for."""

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.prompt_title
            yield Static(self.prompt_text, classes="text", markup=False)
            yield Input(placeholder="trade password", password=True, id="password",
                        compact=True)

    def on_mount(self) -> None:
        self.query_one("#password", Input).focus()

    @on(Input.Submitted, "#password")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_send()

    def action_send(self) -> None:
        """Close with the typed password (None when nothing was typed)."""
        field = self.query_one("#password", Input)
        value, field.value = field.value, ""
        self.dismiss(SecretStr(value) if value else None)

    def clear_secrets(self) -> None:
        """Forget what was typed (the app calls this when it locks)."""
        self.query_one("#password", Input).value = ""
