"""The sandbox's demo credentials as plain data: one profile per venue from a fixed seed.

Kept apart from the demo data and the ledger so that reading :data:`DEMO_PROFILES` (the
CLI's ``--demo``, the TUI's start) imports nothing heavy.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

__all__ = ["DEFAULT_SEED", "CHAINUP_DEMO_UID", "BHEX_DEMO_USER_ID", "BHEX_OTHER_USER_IDS",
           "DemoProfile", "demo_profiles", "DEMO_PROFILES", "OWNERS"]

DEFAULT_SEED = 20261125
"""The seed :data:`DEMO_PROFILES` and a default :class:`~tui.sandbox.Sandbox` use."""

CHAINUP_DEMO_UID = "24005851"
"""The ChainUp org user the demo profile looks at (several coins and account types)."""

BHEX_DEMO_USER_ID = "482698709891649536"
"""The BHEX org user the demo profile looks at (spot and contract accounts, sub-accounts)."""

BHEX_OTHER_USER_IDS = ("482698709891649537", "482698709891649538")
"""Further BHEX org users, each with a main spot account."""

OWNERS = {"fcoin": "122017", "bitunix": "681979174", "bitz": "302221",
           "chainup": "demoex", "bhex": "6002"}
"""Who each venue's demo key belongs to: a user (fcoin, bitunix, bitz) or an org."""

_USER_IDS = {"chainup": CHAINUP_DEMO_UID, "bhex": BHEX_DEMO_USER_ID}


@dataclass(frozen=True)
class DemoProfile:
    """A sandbox credential as plain data: enough to build a client profile.

    ``prefix`` is the venue's path under the sandbox's origin; ``user_id`` is the org user
    an org API (chainup, bhex) looks at, None for venues where the key is the user.
    """

    name: str
    venue: str
    prefix: str
    api_key: str
    secret: str
    user_id: str | None


def _derive(seed: int, venue: str, what: str) -> str:
    return hashlib.sha256(f"coinsole-sandbox:{seed}:{venue}:{what}".encode()).hexdigest()


def _key_and_secret(seed: int, venue: str) -> tuple[str, str]:
    key, secret = _derive(seed, venue, "key"), _derive(seed, venue, "secret")
    if venue == "chainup":
        return f"demoex_{int(key[:8], 16) % 10000:04d}", secret[:32]
    if venue == "bhex":
        return key, secret
    return key[:32], secret[:32]


def demo_profiles(seed: int = DEFAULT_SEED) -> tuple[DemoProfile, ...]:
    """One demo profile per venue, with keys and secrets derived from ``seed``."""
    profiles = []
    for venue in OWNERS:
        key, secret = _key_and_secret(seed, venue)
        profiles.append(DemoProfile(name=f"{venue}-demo", venue=venue, prefix=f"/{venue}",
                                    api_key=key, secret=secret, user_id=_USER_IDS.get(venue)))
    return tuple(profiles)


DEMO_PROFILES = demo_profiles()
"""The demo profiles of a sandbox built with :data:`DEFAULT_SEED`."""
