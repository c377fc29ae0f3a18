"""Venue id -> adapter class, and what each adapter can do.

Adapters are imported lazily so starting the app costs only the venues in use.
"""

from __future__ import annotations

from importlib import import_module

from tui.core.errors import ConfigError
from tui.venues.base import Capability, Venue

__all__ = ["ADAPTERS", "adapter_class", "capabilities"]

ADAPTERS: dict[str, str] = {
    "fcoin": "tui.venues.fcoin:FcoinVenue",
    "bitunix": "tui.venues.bitunix:BitunixVenue",
    "bitz": "tui.venues.bitz:BitzVenue",
    "chainup": "tui.venues.chainup:ChainupVenue",
    "bhex": "tui.venues.bhex:BhexVenue",
}
"""Where each venue's adapter class lives, as ``module:Class``."""


def adapter_class(venue_id: str) -> type[Venue]:
    """The adapter class for ``venue_id``; :class:`ConfigError` for an unknown venue."""
    try:
        target = ADAPTERS[venue_id]
    except KeyError:
        raise ConfigError(
            f"unknown venue {venue_id!r}; choose one of {', '.join(ADAPTERS)}"
        ) from None
    module_name, class_name = target.split(":")
    return getattr(import_module(module_name), class_name)


def capabilities(venue_id: str) -> frozenset[Capability]:
    """What the adapter for ``venue_id`` can do."""
    return adapter_class(venue_id).capabilities
