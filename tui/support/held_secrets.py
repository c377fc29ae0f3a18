"""Secrets a support write needs for its one send and its settling lookup, held in this
process's memory only, by journal key.

A password reset, a trade-password reset, a GA binding and a registration with a password
carry a secret the journal must never hold: the journal stores the request as JSON (and the
approvals store a copy), so the request names the secret only by a redacted marker
(:data:`REDACTED`). Not even the MD5 the wire wants is journaled: to the venue that MD5 *is*
the password. The secret is typed once, held here under the entry's ``client_key`` and
used twice at most:

- by the send (``user/update_pwd`` etc., as its MD5);
- by the settling lookup when the reply was lost (``user/valid_trade_password``,
  ``user/login``, ``user/valid_gacode`` with the new key's code now): whether the new
  secret is in force is checked, never assumed, and the write is never resent.

When this process no longer holds the secret (it ended, or an approval came back later to
another process), the lookup says so and the entry stays UNKNOWN for an operator to
resolve by hand (or the send is refused before anything goes out): a password reset is
asked again, never resent from the journal.
"""

from __future__ import annotations

from pydantic import SecretStr

__all__ = ["REDACTED", "hold", "held", "release"]

REDACTED = "(entered; held in memory for the send only, never recorded)"
"""What the journal and confirmations show for a secret."""

_HELD: dict[str, dict[str, SecretStr]] = {}


def hold(client_key: str, **secrets: SecretStr) -> None:
    """Keep ``secrets`` (name -> secret) for the request whose journal key is
    ``client_key``."""
    _HELD.setdefault(client_key, {}).update(secrets)


def held(client_key: str, name: str) -> SecretStr | None:
    """The secret ``name`` held for ``client_key``, or None when this process has none."""
    return _HELD.get(client_key, {}).get(name)


def release(client_key: str) -> None:
    """Forget every secret held for ``client_key`` (the write is settled or abandoned)."""
    _HELD.pop(client_key, None)
