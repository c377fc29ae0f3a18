"""The help modal: the keys of the screen it was opened from, read from its bindings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Label, Static

from tui.screens.modal import ModalBase, close_binding

__all__ = ["HelpEntry", "binding_help", "HelpScreen"]


@dataclass(frozen=True)
class HelpEntry:
    """One line of help: the keys that run an action, what it does, and where it lives."""

    keys: str
    description: str
    section: str


def _section(node: object) -> str:
    if isinstance(node, App):
        return "everywhere"
    if isinstance(node, Screen):
        return "this screen"
    if isinstance(node, Widget):
        return getattr(node, "HELP_SECTION", type(node).__name__)
    return "other"


def binding_help(screen: Screen) -> list[HelpEntry]:
    """Help for every active binding of ``screen`` (its own, its focused widget's and the
    app's) that has a description; keys running the same action are listed together."""
    app = screen.app
    grouped: dict[tuple[int, str], tuple[list[str], Binding, object]] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        description = binding.tooltip or binding.description
        if not description:
            continue
        # Keyed by what the entry says, so keys doing one thing (1, alt+1, f1) share a line.
        slot = grouped.setdefault((id(active.node), _describe(binding)),
                                  ([], binding, active.node))
        display = app.get_key_display(binding)
        if display not in slot[0]:
            slot[0].append(display)
    # Bindings the screen disables right now (e.g. Esc with no filter) are still its keys.
    for binding in type(screen).BINDINGS:
        if isinstance(binding, Binding) and (binding.tooltip or binding.description):
            slot = grouped.setdefault((id(screen), _describe(binding)), ([], binding, screen))
            for key in binding.key.split(","):
                display = app.get_key_display(Binding(key.strip(), binding.action,
                                                      key_display=binding.key_display))
                if display not in slot[0]:
                    slot[0].append(display)
    order = {"this screen": 0, "everywhere": 2}
    own = {b.action for b in type(screen).BINDINGS if isinstance(b, Binding)}
    entries = [
        HelpEntry(
            " ".join(keys),
            _describe(binding),
            # Screen's inherited keys (tab, copy) apply on every screen.
            "everywhere" if node is screen and binding.action not in own else _section(node),
        )
        for keys, binding, node in grouped.values()
    ]
    return sorted(entries, key=lambda e: order.get(e.section, 1))


def _describe(binding: Binding) -> str:
    if binding.tooltip and binding.description and binding.description not in binding.tooltip:
        return f"{binding.description} — {binding.tooltip}"
    return binding.tooltip or binding.description


class HelpScreen(ModalBase[None]):
    """A modal listing the keys of the screen beneath it, grouped by where they apply."""

    BINDINGS: list[BindingType] = [
        close_binding("Close help", keys="escape,question_mark,q"),
    ]

    DEFAULT_CSS = """
    HelpScreen > VerticalScroll { width: 78; max-height: 90%; padding: 0 1; }
    HelpScreen .section {
        color: $accent;
        text-style: bold;
        margin-top: 1;
    }
    HelpScreen Grid {
        grid-size: 2;
        grid-columns: 16 1fr;
        height: auto;
    }
    HelpScreen .keys { color: $primary; text-style: bold; }
    HelpScreen .description { color: $foreground; }
    """

    def __init__(self, entries: Iterable[HelpEntry], title: str, *,
                 note: str | None = None) -> None:
        super().__init__()
        self.entries = list(entries)
        self.help_title = title
        self.note = note
        """Extra text under the keys (the demo's trade password and addresses)."""

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = f"Help · {self.help_title}"
            sections: dict[str, list[HelpEntry]] = {}
            for entry in self.entries:
                sections.setdefault(entry.section, []).append(entry)
            for section, entries in sections.items():
                yield Static(section, classes="section", markup=False)
                with Grid():
                    for entry in entries:
                        yield Label(entry.keys, classes="keys", markup=False)
                        yield Label(entry.description, classes="description", markup=False)
            yield Static("Number keys switch screens, except where a form owns the "
                         "keyboard (Move money, the order and profile forms): alt+number and F1-F10 always do. "
                         "ctrl+p opens the command palette · esc closes this help",
                         classes="hint", markup=False)
            if self.note:
                yield Static(self.note, classes="hint", id="note", markup=False)

