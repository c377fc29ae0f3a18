"""What every support-write dialog of the Users screen shares (update KYC, rebuild the
invite relation, reset a password, bind GA, register a user, import KYC from a CSV).

A dialog composes its own fields (:meth:`UserWriteDialog.fields`) and builds its journal
request from them (:meth:`UserWriteDialog.build`, which may ask the venue first). ``ctrl+s``
builds it; what is wrong is said on the ``#problem`` line and nothing changes. Any secret
typed (a new password, a GA code) is read out of its masked input, which is emptied at once,
and held in memory only. A confirmation then shows the request's summary, exactly what
changes; yes sends it through the session's mover (its approvals gate decides first, the
journal records it before the send: :func:`tui.screens.support_write.send_support_write`),
and the outcome is said on the ``#outcome`` line. One send per dialog: another change is
another dialog. Esc closes; the dialog dismisses with :attr:`UserWriteDialog.result`
(True when the venue took the change, so the card reloads).
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import SecretStr
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Static

from tui.core.errors import CoinsoleError
from tui.screens.modal import ModalBase, cancel_binding

__all__ = ["UserWriteDialog", "WriteInvalid", "take_secret", "form_grid"]


def form_grid(rows: list[tuple[str, Any]]) -> Grid:
    """A two-column form: each row's label beside its (compact) input."""
    cells: list[Any] = []
    for label, widget in rows:
        cells += [Label(label), widget]
    return Grid(*cells, classes="form")


class WriteInvalid(ValueError):
    """What the dialog's fields ask cannot be sent; the text says why, in one line."""


def take_secret(dialog: Any, first_id: str, second_id: str | None, what: str) -> SecretStr:
    """The secret typed in masked input ``first_id`` (and, to rule out a typo, again in
    ``second_id``), both inputs emptied at once whatever they held; :class:`WriteInvalid`
    when it is missing or the two differ."""
    first = dialog.query_one(f"#{first_id}", Input)
    text = first.value
    first.value = ""
    again = text
    if second_id is not None:
        second = dialog.query_one(f"#{second_id}", Input)
        again = second.value
        second.value = ""
    if not text:
        raise WriteInvalid(f"type the {what}")
    if text != again:
        raise WriteInvalid(f"the two {what}s differ; type it twice again")
    return SecretStr(text)


class UserWriteDialog(ModalBase[Any]):
    """A form sending one journaled support write of ``profile`` (see the module)."""

    TONE = "warning"
    TITLE: ClassVar[str] = "Change"
    SECRET_INPUTS: ClassVar[tuple[str, ...]] = ()
    """Ids of the masked inputs holding secrets (emptied by :meth:`clear_secrets`)."""

    BINDINGS: list[BindingType] = [
        Binding("ctrl+s", "review", "Review", priority=True,
                tooltip="Check the form, then confirm exactly what changes and send it"),
        cancel_binding("Close (nothing is sent unless confirmed)", "Close"),
    ]

    DEFAULT_CSS = """
    UserWriteDialog > VerticalScroll { width: 88; max-height: 100%; }
    UserWriteDialog .field-label { color: $text-muted; margin-top: 1; }
    UserWriteDialog Grid.form { grid-size: 2; grid-columns: 24 1fr; grid-rows: 1;
                                grid-gutter: 1 1; height: auto; margin-top: 1; }
    UserWriteDialog Grid.form Label { color: $text-muted; }
    UserWriteDialog #problem { color: $error; height: auto; }
    UserWriteDialog #outcome { margin-top: 1; height: auto; text-style: bold; }
    UserWriteDialog #note { height: auto; }
    """

    def __init__(self, session: Any, profile: str, user_id: str | None = None) -> None:
        super().__init__()
        self.session = session
        self.profile = profile
        self.user_id = user_id
        self.busy = False
        self.sent = False
        self.result: Any = False
        """What the dialog dismisses with: True when the venue took the change."""
        self._pending: dict[str, SecretStr] = {}
        """Secrets read from the form, waiting for the confirmation's answer."""

    # -- what a dialog is --------------------------------------------------------------

    def box_title(self) -> str:
        """The box's title."""
        return f"{self.TITLE}: user {self.user_id}" if self.user_id else self.TITLE

    def fields(self) -> ComposeResult:
        """The dialog's own inputs."""
        yield from ()

    async def prepare(self) -> None:
        """Read what the form starts from (the current KYC, base info…); raise to say it
        could not be read."""

    async def build(self) -> tuple[Any, dict[str, SecretStr]] | None:
        """The request to send and the secrets it needs, from the fields; raises
        :class:`WriteInvalid` (or the venue's error) to refuse; None when there is
        nothing to confirm yet (a preview was shown instead)."""
        raise NotImplementedError

    def question(self, request: Any) -> str:
        """The confirmation's question."""
        return f"{self.TITLE}?"

    def sent_note(self, outcome: Any) -> None:
        """Called after the send with its :class:`~tui.screens.support_write.WriteOutcome`."""

    # -- the shared flow ---------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with VerticalScroll() as box:
            box.border_title = self.box_title()
            yield from self.fields()
            yield Static("", id="problem", markup=False)
            yield Static("", id="outcome", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Close  (esc)", id="cancel")
                yield Button("Review  (ctrl+s)", id="confirm", variant="warning")

    def on_mount(self) -> None:
        inputs = self.query(Input)
        if inputs:
            inputs.first().focus()
        self._prepare()

    @work(exclusive=True, group="write-prepare")
    async def _prepare(self) -> None:
        button = self.query_one("#confirm", Button)
        button.disabled = True
        try:
            await self.prepare()
        except (CoinsoleError, WriteInvalid) as exc:
            self.problem(f"not ready: {exc}")
            return
        button.disabled = False

    def problem(self, text: str) -> None:
        """Say what is wrong (empty: nothing)."""
        self.query_one("#problem", Static).update(text)

    def say(self, text: str) -> None:
        """Say what came of the send."""
        self.query_one("#outcome", Static).update(text)

    def clear_secrets(self) -> None:
        """Forget every secret typed or shown (closing, the vault locking), including
        any waiting for the confirmation's answer."""
        self.empty_secret_inputs()
        self._pending.clear()

    def empty_secret_inputs(self) -> None:
        """Empty every masked input."""
        for input_id in self.SECRET_INPUTS:
            for found in self.query(f"#{input_id}"):
                if isinstance(found, Input):
                    found.value = ""

    def can_cancel(self) -> bool:
        return not self.busy

    def action_cancel(self) -> None:
        """Close (not while sending), with :attr:`result`."""
        if self.can_cancel():
            self.clear_secrets()
            self.dismiss(self.result)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "confirm":
            self.action_review()
        else:
            self.action_cancel()

    def action_review(self) -> None:
        """Build the request, confirm its summary, send it."""
        if self.busy or self.sent or self.query_one("#confirm", Button).disabled:
            return
        self._review()

    @work(exclusive=True, group="write-review")
    async def _review(self) -> None:
        from tui.screens.confirm import ConfirmScreen
        from tui.screens.support_write import summary_text

        self.busy = True
        try:
            built = await self.build()
        except (WriteInvalid, CoinsoleError) as exc:
            self.busy = False
            self.problem(f"{exc}; nothing was sent")
            return
        finally:
            self.empty_secret_inputs()
        self.problem("")
        if built is None:
            self.busy = False
            return
        request, secrets = built
        self._pending = secrets
        needed = len(secrets)

        def answered(yes: bool | None) -> None:
            if yes and len(secrets) == needed:
                self._send(request, secrets)
                return
            self.busy = False
            if yes:  # the vault locked under the confirmation: the secret was dropped
                self.say("not sent: what was typed was forgotten when the vault locked; "
                         "type it again")
            else:
                self.say("not sent")
            secrets.clear()

        # busy until answered: no second review, no closing under the confirmation
        self.app.push_screen(ConfirmScreen(self.question(request),
                                           summary_text(request.summary()),
                                           confirm_label="Send", danger=True),
                             callback=answered)

    @work(exclusive=True, group="write-send")
    async def _send(self, request: Any, secrets: dict[str, SecretStr]) -> None:
        from tui.screens.support_write import send_support_write

        try:
            self.say("sending…")
            outcome = await send_support_write(self.session, request, **secrets)
            secrets.clear()
            self.sent = True
            self.query_one("#confirm", Button).disabled = True
            self.result = outcome.done
            self.say(outcome.text)
            self.sent_note(outcome)
            self.notify(outcome.text, severity=outcome.severity)  # type: ignore[arg-type]
        finally:
            self.busy = False
