"""The sandbox: the five venues simulated over one ledger, for the demo and the tests.

It depends on :mod:`tui.core` only and never on :mod:`tui.venues`: its signature checks
are written from docs/wire.md independently of the client's signers.

``Sandbox`` (and the web framework under it) is imported on first use, so reading the
demo profiles costs nothing at start-up.
"""

from typing import TYPE_CHECKING, Any

from tui.sandbox.profiles import DEMO_PROFILES, DemoProfile

if TYPE_CHECKING:
    from tui.sandbox.app import Sandbox

__all__ = ["Sandbox", "DEMO_PROFILES", "DemoProfile"]


def __getattr__(name: str) -> Any:
    if name == "Sandbox":
        from tui.sandbox.app import Sandbox

        return Sandbox
    raise AttributeError(f"module 'tui.sandbox' has no attribute {name!r}")
