"""A request's identity: SHA-256 over canonical bytes (sorted-key JSON, exact decimal strings)."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

from tui.core.money import plain


def _norm(v):
    if isinstance(v, Decimal):
        return plain(v)
    if isinstance(v, float):
        raise TypeError("floats are inexact; pass Decimal")
    if isinstance(v, dict):
        return {str(k): _norm(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_norm(x) for x in v]
    return v


def canonical_bytes(obj: dict) -> bytes:
    """Sorted-keys compact JSON with Decimals as plain strings; floats refused."""
    return json.dumps(_norm(obj), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def policy_hash(policy_bytes: bytes) -> str:
    """SHA-256 (hex) of the policy file's bytes."""
    return hashlib.sha256(policy_bytes).hexdigest()


def request_hash(req, policy_hash_hex: str) -> str:
    """SHA-256 (hex) of a Request's canonical bytes, bound to the policy hash."""
    return hashlib.sha256(canonical_bytes({
        "action": req.action, "profile": req.profile, "venue": req.venue, "coin": req.coin,
        "amount": req.amount, "initiator": req.initiator, "destination": req.destination,
        "params": req.params, "policy": policy_hash_hex,
    })).hexdigest()
