"""Is the Approvals screen offered? A policy file exists or a team store is named.

Kept free of the approvals modules (cryptography among them): the app asks on every
refresh of its bindings, and the first frame must not import them.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["approvals_configured"]

_POLICY_ENV = "COINSOLE_POLICY"  # tui.approvals.service.POLICY_ENV
_STORE_ENV = "COINSOLE_TEAM_STORE"  # tui.approvals.store_factory.STORE_ENV
_TEAM_FILE = "team.toml"  # tui.approvals.store_factory.TEAM_FILE


def approvals_configured() -> bool:
    """True when a policy file exists (``COINSOLE_POLICY``, else ``policy.toml`` in the
    config directory) or a team store is named (``COINSOLE_TEAM_STORE``, or ``team.toml``
    saved by ``coinsole team connect``). A stat or two, no parse."""
    if os.environ.get(_STORE_ENV, "").strip():
        return True
    from tui.paths import app_paths

    config = app_paths().config_dir
    env = os.environ.get(_POLICY_ENV, "").strip()
    policy = Path(env).expanduser() if env else config / "policy.toml"
    return policy.exists() or (config / _TEAM_FILE).exists()
