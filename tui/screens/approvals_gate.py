"""Is the Approvals screen offered? A policy file exists or a team store is named.

Kept free of the approvals modules (cryptography among them): the app asks on every
refresh of its bindings, and the first frame must not import them.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["approvals_configured"]

_POLICY_ENV = "COINSOLE_POLICY"  # tui.approvals.service.POLICY_ENV
_STORE_ENV = "COINSOLE_TEAM_STORE"  # tui.approvals.stores.STORE_ENV


def approvals_configured() -> bool:
    """True when a policy file exists (``COINSOLE_POLICY``, else ``policy.toml`` in the
    config directory) or ``COINSOLE_TEAM_STORE`` names a team store. One stat, no parse."""
    if os.environ.get(_STORE_ENV, "").strip():
        return True
    env = os.environ.get(_POLICY_ENV, "").strip()
    if env:
        return Path(env).expanduser().exists()
    from tui.paths import app_paths

    return (app_paths().config_dir / "policy.toml").exists()
