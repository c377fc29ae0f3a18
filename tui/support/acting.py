"""Which BHEX profiles a screen shows, and the title naming the users acted for.

Kept free of Textual and of the screens' modules (the app asks :func:`acting_profiles`
whenever it refreshes its key bindings, from the first frame on): a screen class is
recognised only once its module is loaded, which it is as soon as such a screen exists.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["acting_profiles", "acting_title", "TITLE_MARK"]

TITLE_MARK = " · acting for "
"""What separates the app's title from the users acted for."""


def _is(screen: Any, module: str, name: str) -> bool:
    loaded = sys.modules.get(module)
    cls = getattr(loaded, name, None) if loaded is not None else None
    return cls is not None and isinstance(screen, cls)


def _bhex(session: Any, names: list[str | None]) -> list[str]:
    return [n for n in names if n and session.profile(n).venue == "bhex"]


def acting_profiles(screen: Any) -> list[str]:
    """The BHEX profiles whose data ``screen`` shows now (first: the one ``u`` acts on):
    the chosen profile of a per-profile screen (Deposit, History, Orders, Users), Move
    money's chosen source, every BHEX profile on Balances and Activity; none elsewhere
    (Statistics and Org holdings are org-wide)."""
    from tui.session import Session

    session = getattr(screen, "session", None)
    if not isinstance(session, Session):
        return []
    if (_is(screen, "tui.screens.balances", "BalancesScreen")
            or _is(screen, "tui.screens.activity", "ActivityScreen")):
        return _bhex(session, [p.name for p in session.profiles])
    if _is(screen, "tui.screens.move", "MoveScreen"):
        try:
            return _bhex(session, [screen.form.profile])
        except Exception:  # noqa: BLE001 - the forms are not mounted yet
            return []
    if (_is(screen, "tui.screens.statistics", "StatisticsScreen")
            or _is(screen, "tui.screens.org_holdings", "OrgHoldingsScreen")):
        return []  # org-wide: no user acted for
    if _is(screen, "tui.screens.profile_tabs", "ProfileScreen"):
        return _bhex(session, [screen.profile])
    return []


def acting_title(base: str, acting_for: dict[str, str]) -> str:
    """``base`` (the app's title; any earlier acting-for note dropped) followed by every
    profile acting for another user: ``coinsole · acting for user 4826… (bhex)``."""
    base = base.split(TITLE_MARK)[0]
    if not acting_for:
        return base
    users = ", ".join(f"user {uid} ({name})" for name, uid in sorted(acting_for.items()))
    return f"{base}{TITLE_MARK}{users}"
