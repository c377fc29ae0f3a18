"""The audit chain's head, anchored outside the store, so removing the chain's tail shows.

The hash chain catches an edited or removed record in the middle, but not records cut
from the end: what is left is still a valid chain. So every audit record this machine
appends also moves this machine's **anchor**: the head hash, per store, in
``audit-anchors.json`` in the local data directory (mode 0600), signed with the operator's
Ed25519 key when it is loaded. ``coinsole audit verify`` then requires the anchored hash
to be in the chain, and its signature (when there is one) to verify under the policy's
key for that operator. For anchoring out of band, ``coinsole audit head`` prints the head
and ``coinsole audit verify --head HASH`` requires that one.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .canonical import canonical_bytes

__all__ = ["ANCHOR_FILE", "store_id", "anchor_path", "read_anchor", "record_head",
           "head_missing", "anchor_problem"]

ANCHOR_FILE = "audit-anchors.json"


def store_id(store: Any) -> str:
    """Which store an anchor belongs to: a PostgreSQL store's ``host:port/db``, an SQLite
    store's absolute path."""
    url = getattr(store, "url", None)
    if url:
        from .store_factory import describe

        return describe(url)
    path = getattr(store, "path", ":memory:")
    return path if path == ":memory:" else str(Path(path).resolve())


def anchor_path() -> Path:
    """``audit-anchors.json`` in the local data directory."""
    from tui.paths import app_paths

    return app_paths().data_dir / ANCHOR_FILE


def _read_all() -> dict:
    try:
        data = json.loads(anchor_path().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def read_anchor(store: Any) -> dict | None:
    """This machine's anchor for ``store`` (hash, time_ms, operator, signature), or None."""
    found = _read_all().get(store_id(store))
    return found if isinstance(found, dict) and isinstance(found.get("hash"), str) else None


def _signed_bytes(sid: str, head: str, operator: str, time_ms: int) -> bytes:
    return canonical_bytes({"kind": "coinsole-audit-head-v1", "store": sid, "hash": head,
                            "operator": operator, "time_ms": time_ms})


def record_head(store: Any, record: dict, operator: Any, time_ms: int) -> None:
    """Anchor ``record`` (just appended to ``store``'s chain) as its head, signed by
    ``operator`` (an :class:`~tui.approvals.identity.OperatorKey`) when given. A memory
    store is not anchored; a failure to write is ignored (the append stands; verify then
    checks an older head, which is still sound)."""
    sid = store_id(store)
    if sid == ":memory:":
        return
    entry: dict[str, Any] = {"hash": record["hash"], "time_ms": time_ms, "operator": "",
                             "signature": ""}
    if operator is not None:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        entry["operator"] = operator.name
        entry["signature"] = Ed25519PrivateKey.from_private_bytes(operator.private).sign(
            _signed_bytes(sid, record["hash"], operator.name, time_ms)).hex()
    try:
        from tui.paths import app_paths

        paths = app_paths()
        directory = paths.ensure(paths.data_dir)
        data = _read_all()
        data[sid] = entry
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".anchors-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, sort_keys=True, indent=1)
            os.chmod(tmp, 0o600)
            os.replace(tmp, anchor_path())
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass


def head_missing(records: list[dict], head: str) -> str | None:
    """Why the chain ``records`` does not hold the head hash ``head`` (None when it does)."""
    from .audit import GENESIS

    head = head.strip().lower()
    if head == GENESIS or any(r.get("hash") == head for r in records):
        return None
    return (f"the anchored head {head[:16]}… is not in the chain ({len(records)} records): "
            "records were removed from its end (or this is another store)")


def anchor_problem(store: Any, records: list[dict],
                   public_keys: dict[str, bytes] | None) -> str | None:
    """What is wrong with ``records`` against this machine's anchor for ``store`` (its
    head missing, or its signature not verifying), or None (also when there is no anchor)."""
    anchor = read_anchor(store)
    if anchor is None:
        return None
    if anchor.get("signature") and public_keys is not None:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        key = public_keys.get(anchor.get("operator", ""))
        try:
            if key is None:
                raise InvalidSignature
            Ed25519PublicKey.from_public_bytes(key).verify(
                bytes.fromhex(anchor["signature"]),
                _signed_bytes(store_id(store), anchor["hash"], anchor["operator"],
                              int(anchor.get("time_ms", 0))))
        except (InvalidSignature, ValueError):
            return (f"this machine's audit anchor ({anchor_path()}) does not verify under "
                    f"operator {anchor.get('operator')!r}'s key: it was edited")
    missing = head_missing(records, anchor["hash"])
    if missing is None:
        return None
    return f"{missing}; this machine anchored it ({anchor_path()})"
