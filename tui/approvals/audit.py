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


def signed_record(event: str, signed) -> dict:
    """An audit record carrying a signed statement (approved/rejected events)."""
    st = signed.statement
    return {"event": event, "request_hash": st.request_hash, "decision": st.decision,
            "operator": st.operator, "time_ms": st.time_ms, "policy_hash": st.policy_hash,
            "reason": st.reason, "signature": signed.signature.hex()}


def signature_checker(public_keys: dict[str, bytes]):
    """check_signature for verify(): records with a signature must verify under the named
    operator's key; records without one pass."""
    from .operators import Signed, Statement, verify as verify_sig

    def check(r: dict) -> bool:
        if "signature" not in r:
            return True
        key = public_keys.get(r.get("operator", ""))
        st = Statement(r["request_hash"], r["decision"], r["operator"], r["time_ms"],
                       r["policy_hash"], r.get("reason", ""))
        return key is not None and verify_sig(key, Signed(st, bytes.fromhex(r["signature"])))
    return check
