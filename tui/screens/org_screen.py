"""What the BHEX org screens share (Payments, Org settings, Finance): they are pushed over the
main screens and offer only the profiles whose venue adapter has their org calls; Esc
goes back to the screen before.

A screen subclasses :class:`OrgScreen`, names one adapter method in ``ORG_CALL`` and
puts :func:`back_binding` in its own ``BINDINGS``; :func:`adapter_has` answers "does
this venue offer it" for the menus before the screen opens.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding

from tui.screens.profile_tabs import ProfileScreen
from tui.session import Session
from tui.venues.registry import adapter_class

__all__ = ["OrgScreen", "adapter_has", "back_binding"]


def adapter_has(venue: str, method: str) -> bool:
    """Whether ``venue``'s adapter has the (callable) ``method``."""
    return callable(getattr(adapter_class(venue), method, None))


def back_binding() -> Binding:
    """Esc: back to the screen before (:meth:`OrgScreen.action_close`)."""
    return Binding("escape", "close", "Close", tooltip="Back to the screen before")


class OrgScreen(ProfileScreen):
    """A profile screen offering the profiles whose adapter has ``ORG_CALL``."""

    ORG_CALL: ClassVar[str] = ""
    """The adapter method a venue must have for its profiles to be offered."""

    PROFILE_PROMPT = "no BHEX profile"

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.profiles = [p.name for p in session.profiles if adapter_has(p.venue, self.ORG_CALL)]
        self.profile = self.profiles[0] if self.profiles else None

    def action_close(self) -> None:
        """Back to the screen before."""
        self.dismiss()
