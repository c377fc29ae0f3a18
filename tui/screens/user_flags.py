"""The user's eight status flags as toggles (``f`` on the Users screen).

Each flag is a row, ``[x]`` on and ``[ ]`` off, with what its value means. Enter (or a
click) on a row asks to flip it: a confirmation names exactly what changes (user, flag, now,
becomes, who, profile), then the change is journaled and sent through the approvals gate
(:mod:`tui.screens.support_write`), and the flags are read again from the venue.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.screens.modal import ModalBase, close_binding
from tui.venues.bhex_users import STATUS_FLAG_MEANING, STATUS_FLAGS

__all__ = ["StatusFlagsScreen", "flag_rows"]


def flag_rows(flags: dict[str, int]) -> list[tuple[str, str]]:
    """(flag, row text) for each of the eight flags, in the document's order."""
    rows = []
    for name in STATUS_FLAGS:
        if name not in flags:
            rows.append((name, f"[?] {name:<22} not reported"))
            continue
        value = flags[name]
        rows.append((name, f"[{'x' if value else ' '}] {name:<22} "
                           f"{STATUS_FLAG_MEANING[name][1 if value else 0]}"))
    return rows


class StatusFlagsScreen(ModalBase[bool]):
    """Toggle one status flag of ``user_id`` at a time; dismisses True when a change was
    sent (the card reloads)."""

    BINDINGS: list[BindingType] = [
        close_binding("Close", keys="escape,q"),
        Binding("space", "toggle", "Toggle", tooltip="Flip the flag under the cursor"),
    ]

    DEFAULT_CSS = """
    StatusFlagsScreen > Vertical { width: 84; }
    StatusFlagsScreen #flags { height: auto; max-height: 12; }
    StatusFlagsScreen #flags-state { margin-top: 1; height: auto; }
    """

    def __init__(self, session: Any, profile: str, user_id: str) -> None:
        super().__init__()
        self.session = session
        self.profile = profile
        self.user_id = user_id
        self.flags: dict[str, int] = {}
        self.changed = False
        self.busy = False
        self.loaded_once = False

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = f"Status flags of user {self.user_id}"
            yield OptionList(id="flags")
            yield Static("loading…", id="flags-state", markup=False)
            yield Static("enter/space flips a flag (confirmed, journaled, sent through the "
                         "approvals policy) · esc closes", classes="hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#flags", OptionList).focus()
        self._load()

    def can_cancel(self) -> bool:
        return not self.busy

    def action_cancel(self) -> None:
        """Close; True when a change was sent."""
        if self.can_cancel():
            self.dismiss(self.changed)

    def _say(self, text: str) -> None:
        self.query_one("#flags-state", Static).update(text)

    @work(exclusive=True, group="flags")
    async def _load(self) -> None:
        try:
            self.flags = await self.session.adapter(self.profile).user_ext_status(self.user_id)
        except Exception as exc:  # noqa: BLE001 - shown in the modal
            self._say(f"flags not loaded: {exc}")
            return
        options = self.query_one("#flags", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        for name, text in flag_rows(self.flags):
            options.add_option(Option(Text(text), id=name))  # not markup: [x]
        options.highlighted = highlighted if highlighted is not None else 0
        if not self.loaded_once:
            self.loaded_once = True
            self._say("")

    def action_toggle(self) -> None:
        """Ask to flip the highlighted flag."""
        options = self.query_one("#flags", OptionList)
        if options.highlighted is not None:
            self._ask(str(options.get_option_at_index(options.highlighted).id))

    @on(OptionList.OptionSelected, "#flags")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._ask(str(event.option.id))

    def _ask(self, flag: str) -> None:
        from tui.screens.confirm import ConfirmScreen
        from tui.support.writes import status_request

        if self.busy or flag not in self.flags:
            return
        now = self.flags[flag]
        request = status_request(self.profile, self.user_id, flag, 1 - now, now)
        width = max(len(k) for k, _ in request.summary())
        message = "\n".join(f"{k.ljust(width)}  {v}" for k, v in request.summary())
        self.app.push_screen(
            ConfirmScreen(f"Set {flag} of user {self.user_id} to {1 - now}?", message,
                          confirm_label="Send", danger=True),
            callback=lambda yes: self._send(request) if yes else None)

    @work(exclusive=True, group="flag-send")
    async def _send(self, request: Any) -> None:
        from tui.screens.support_write import send_support_write

        self.busy = True
        self._say(f"sending {request.flag}={request.value}…")
        try:
            outcome = await send_support_write(self.session, request)
        finally:
            self.busy = False
        self.changed = self.changed or outcome.done
        self._say(f"{request.flag}: {outcome.text}")
        self.notify(outcome.text, severity=outcome.severity)  # type: ignore[arg-type]
        self._load()
