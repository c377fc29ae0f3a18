"""Append-only audit records chained by hashes; verify() finds the first break."""

from __future__ import annotations

import hashlib

from .canonical import canonical_bytes

GENESIS = "0" * 64


def chain(prev_hash: str, record: dict) -> dict:
    """The record with `prev` and `hash` = SHA-256(prev || canonical(record))."""
    body = {k: v for k, v in record.items() if k not in ("prev", "hash")}
    h = hashlib.sha256(prev_hash.encode() + canonical_bytes(body)).hexdigest()
    return {**body, "prev": prev_hash, "hash": h}


def verify(records: list[dict], check_signature=None) -> tuple[int, str] | None:
    """Recompute the chain (and each signature via check_signature(record) -> bool when given);
    return (index, why) of the first break, or None when intact."""
    prev = GENESIS
    for i, r in enumerate(records):
        if r.get("prev") != prev:
            return i, "previous hash does not match (record removed or reordered)"
        if chain(prev, r)["hash"] != r.get("hash"):
            return i, "record hash does not match its content (record edited)"
        if check_signature is not None and not check_signature(r):
            return i, "signature does not verify"
        prev = r["hash"]
    return None
