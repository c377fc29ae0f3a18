"""The org screens in one place: the list of them (Finance, Payments, Org settings,
Statistics, each reached from the command palette), the "Org" chooser the palette's "Org"
entry opens, and the lines the help screen shows about them.

:data:`ORG_SCREENS` names each screen, the app action opening it and the venue check
offering it; :func:`org_screens` keeps those the session's profiles offer.
:class:`OrgChooserScreen` lists them (Enter, or the screen's number 1-4, opens one;
Escape closes); it dismisses with the action to run, which the app runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.screens.help import HelpEntry
from tui.screens.modal import ModalBase, cancel_binding

__all__ = ["OrgScreen", "ORG_SCREENS", "org_screens", "org_help_entries", "OrgChooserScreen",
           "HELP_SECTION"]

HELP_SECTION = "org screens (ctrl+p, then the name or Org)"


def _offers(module: str, check: str) -> Callable[[str], bool]:
    def offered(venue: str) -> bool:
        from importlib import import_module

        return bool(getattr(import_module(module), check)(venue))
    return offered


@dataclass(frozen=True)
class OrgScreen:
    """One org screen: its palette name, what it does, the app action opening it and
    which venues offer it."""

    name: str
    description: str
    action: str
    offered: Callable[[str], bool]


ORG_SCREENS: tuple[OrgScreen, ...] = (
    OrgScreen("Finance", "airdrops, batch lock/unlock from a CSV file", "open_finance",
              _offers("tui.screens.finance", "has_finance")),
    OrgScreen("Payments", "payment orders: settle, refund, unlock, cancel", "open_payments",
              _offers("tui.screens.payments", "has_payments")),
    OrgScreen("Org settings", "symbol trade status, price limits, sub-account transfers",
              "open_org_settings", _offers("tui.screens.org_settings", "has_settings")),
    OrgScreen("Statistics", "holdings, top holders, deposits, withdrawals, fees, charts",
              "open_statistics", _offers("tui.screens.statistics", "has_statistics")),
)
"""Every org screen, in the chooser's order."""


def org_screens(venues: Iterable[str]) -> list[OrgScreen]:
    """The org screens some profile of ``venues`` offers."""
    venues = list(venues)
    return [s for s in ORG_SCREENS if any(s.offered(v) for v in venues)]


def org_help_entries(venues: Iterable[str]) -> list[HelpEntry]:
    """The help screen's lines about the org screens the profiles offer (none: none)."""
    screens = org_screens(venues)
    if not screens:
        return []
    return [HelpEntry("ctrl+p", f"Org — choose one of {', '.join(s.name for s in screens)}",
                      HELP_SECTION),
            *[HelpEntry("ctrl+p", f"{s.name} — {s.description}", HELP_SECTION)
              for s in screens]]


class OrgChooserScreen(ModalBase[str]):
    """A small modal listing the org screens; dismisses with the chosen one's action."""

    BINDINGS: list[BindingType] = [
        cancel_binding("Close without opening a screen"),
        *[Binding(str(n), f"pick({n - 1})", f"Screen {n}", show=False,
                  tooltip=f"Open the {n}. org screen listed")
          for n in range(1, len(ORG_SCREENS) + 1)],
    ]

    DEFAULT_CSS = """
    OrgChooserScreen > Vertical { width: 84; }
    OrgChooserScreen OptionList { height: auto; max-height: 12; border: none; padding: 0; }
    """

    def __init__(self, screens: list[OrgScreen]) -> None:
        super().__init__()
        self.screens = screens

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Org"
            yield OptionList(*[Option(f"{n}  {s.name:<13} {s.description}", id=s.action)
                               for n, s in enumerate(self.screens, start=1)], id="org-screens")
            yield Static("enter or 1-4 opens · esc closes", classes="hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a screen: open it."""
        self.dismiss(str(event.option.id))

    def action_pick(self, index: int) -> None:
        """Open the screen listed at ``index`` (0-based)."""
        if 0 <= index < len(self.screens):
            self.dismiss(self.screens[index].action)
