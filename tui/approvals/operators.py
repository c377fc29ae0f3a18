"""Operator Ed25519 keys and signed approval statements.

Private keys travel as raw 32-byte strings so the caller can seal them in the vault.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from .canonical import canonical_bytes

DECISIONS = ("approve", "reject")


@dataclass(frozen=True)
class Statement:
    """What an operator signs: a decision on one request under one policy at one time."""
    request_hash: str
    decision: str
    operator: str
    time_ms: int
    policy_hash: str
    reason: str = ""

    def to_bytes(self) -> bytes:
        return canonical_bytes({"kind": "coinsole-approval-v1", "request": self.request_hash,
                                "decision": self.decision, "operator": self.operator,
                                "time_ms": self.time_ms, "policy": self.policy_hash,
                                "reason": self.reason})


@dataclass(frozen=True)
class Signed:
    """A statement with its Ed25519 signature (64 bytes)."""
    statement: Statement
    signature: bytes


def generate() -> tuple[bytes, bytes]:
    """A new key pair as (private raw 32 bytes, public raw 32 bytes)."""
    k = Ed25519PrivateKey.generate()
    return k.private_bytes_raw(), public_of(k.private_bytes_raw())


def public_of(private_raw: bytes) -> bytes:
    """The raw public key of a raw private key."""
    return Ed25519PrivateKey.from_private_bytes(private_raw).public_key().public_bytes(
        Encoding.Raw, PublicFormat.Raw)


def sign(private_raw: bytes, st: Statement) -> Signed:
    """Sign a statement; the decision must be approve or reject."""
    if st.decision not in DECISIONS:
        raise ValueError("decision must be approve or reject")
    return Signed(st, Ed25519PrivateKey.from_private_bytes(private_raw).sign(st.to_bytes()))


def verify(public_raw: bytes, s: Signed) -> bool:
    """True when the signature is valid for this public key over this statement."""
    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(s.signature, s.statement.to_bytes())
        return True
    except (InvalidSignature, ValueError):
        return False
