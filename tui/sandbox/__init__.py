"""The sandbox: the five venues simulated over one ledger, for the demo and the tests.

It depends on :mod:`tui.core` only and never on :mod:`tui.venues`: its signature checks
are written from docs/wire.md independently of the client's signers.
"""

from tui.sandbox.app import Sandbox
from tui.sandbox.demo import DEMO_PROFILES, DemoProfile

__all__ = ["Sandbox", "DEMO_PROFILES", "DemoProfile"]
