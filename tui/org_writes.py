"""The journal's door to the org writes of issue 16 (payments, symbol and account
settings): which family a request or a stored kind belongs to.

A family is a module with ``KINDS`` (its journal kinds), ``parse(kind, text)``,
``owns(request)``, ``settlement(request)``, ``send(adapter, request)`` and
``look_up(adapter, request, venue_ref=...)``. :mod:`tui.journal.dispatch` and
:func:`tui.core.actions.parse_request` ask here, so a family is added in one place.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

__all__ = ["FAMILIES", "family_of", "family_of_kind"]

FAMILIES = ("tui.payments.requests", "tui.org_settings.requests")
"""The family modules, imported only when a request of theirs is met."""
_KINDS = {"tui.payments.requests": ("payment_",), "tui.org_settings.requests": ("settings",)}


def family_of_kind(kind: str) -> ModuleType | None:
    """The family whose journal kinds include ``kind`` (None: not an org write)."""
    for name, prefixes in _KINDS.items():
        if kind.startswith(prefixes):
            module = importlib.import_module(name)
            if kind in module.KINDS:
                return module
    return None


def family_of(request: Any) -> ModuleType | None:
    """The family owning journal ``request`` (None: not an org write)."""
    kind = getattr(request, "kind", None)
    return family_of_kind(getattr(kind, "value", "")) if kind is not None else None
