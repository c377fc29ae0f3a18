"""One module per screen, and the registry of main screens the number keys switch between.

To add a main screen, append a :class:`MainScreen` to :data:`MAIN_SCREENS`: the app binds
its number key, shows it in the footer and the command palette, and creates the screen
(as a Textual mode of its own) the first time it is opened.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.screen import Screen

    from tui.session import Session

__all__ = ["MainScreen", "MAIN_SCREENS"]


@dataclass(frozen=True)
class MainScreen:
    """A top-level screen reached with a number key.

    ``key`` is the number key, ``mode`` the Textual mode name that holds the screen's
    stack, ``title`` what the footer and palette call it, and ``factory`` builds the
    screen for a session.
    """

    key: str
    mode: str
    title: str
    factory: Callable[["Session"], "Screen"]
    in_nav: bool = True
    """Whether the MainNav bar lists it (its number key and palette entry work either way)."""


def _balances(session: "Session") -> "Screen":
    from tui.screens.balances import BalancesScreen

    return BalancesScreen(session)


def _profiles(session: "Session") -> "Screen":
    from tui.screens.profiles import ProfilesScreen

    return ProfilesScreen(session)


def _move(session: "Session") -> "Screen":
    from tui.screens.move import MoveScreen

    return MoveScreen(session)


def _activity(session: "Session") -> "Screen":
    from tui.screens.activity import ActivityScreen

    return ActivityScreen(session)


def _deposit(session: "Session") -> "Screen":
    from tui.screens.deposit import DepositScreen

    return DepositScreen(session)


def _history(session: "Session") -> "Screen":
    from tui.screens.history import HistoryScreen

    return HistoryScreen(session)


def _orders(session: "Session") -> "Screen":
    from tui.screens.orders import OrdersScreen

    return OrdersScreen(session)


def _approvals(session: "Session") -> "Screen":
    from tui.screens.approvals import ApprovalsScreen

    return ApprovalsScreen(session)


def _users(session: "Session") -> "Screen":
    from tui.screens.users import UsersScreen

    return UsersScreen(session)


def _holdings(session: "Session") -> "Screen":
    from tui.screens.org_holdings import OrgHoldingsScreen

    return OrgHoldingsScreen(session)


MAIN_SCREENS: tuple[MainScreen, ...] = (
    MainScreen("1", "balances", "Balances", _balances),
    MainScreen("2", "profiles", "Profiles", _profiles),
    MainScreen("3", "move", "Move money", _move),
    MainScreen("4", "activity", "Activity", _activity),
    MainScreen("5", "deposit", "Deposit", _deposit),
    MainScreen("6", "history", "History", _history),
    MainScreen("7", "orders", "Orders", _orders),
    MainScreen("8", "approvals", "Approvals", _approvals),
    MainScreen("9", "users", "Users", _users),
    MainScreen("0", "holdings", "Org holdings", _holdings),
)
"""Every main screen, in number-key order."""
