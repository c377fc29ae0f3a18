"""What the journaled BHEX org writes share (settings, payments, support, finance): the
properties journal listings and detail views read from a move that an org write does not
have (no miner fee, no remark), the fields every one of them starts with (``profile``,
``venue``, ``client_key``), who asked (:func:`current_operator`) and fresh journal keys
(:func:`new_key`).

The fields stay in this order because the journal stores a request as its JSON: a kind
whose own fields come first (a finance batch's ``kind``) takes :class:`NoFeeOrRemark`
only, keeping its JSON as it was.
"""

from __future__ import annotations

import getpass
import secrets
import time

from pydantic import BaseModel, ConfigDict

__all__ = ["NoFeeOrRemark", "OrgRequest", "current_operator", "new_key"]


def current_operator() -> str:
    """Who is making the change: the OS account running coinsole."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in this environment
        return "unknown"


def new_key(prefix: str) -> str:
    """A fresh journal (client) key: ``prefix``, the time in ms and 8 hex digits (at most
    32 characters of the venue's client-id alphabet for a prefix of up to 2)."""
    return f"{prefix}{time.time_ns() // 1_000_000}{secrets.token_hex(4)}"


class NoFeeOrRemark:
    """The move fields an org write lacks, as journal detail views read them."""

    @property
    def miner_fee(self) -> None:
        """No miner fee."""
        return None

    @property
    def remark(self) -> None:
        """No remark."""
        return None


class OrgRequest(NoFeeOrRemark, BaseModel):
    """A frozen org write request: the BHEX ``profile`` it goes through and its journal
    key ``client_key``; subclasses add their fields after these."""

    model_config = ConfigDict(frozen=True)

    profile: str
    venue: str = "bhex"
    client_key: str
