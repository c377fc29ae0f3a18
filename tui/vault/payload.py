"""The plaintext inside the seal: profile name -> credentials, as compact JSON.

Only :mod:`tui.vault.store` calls these, and only on bytes that go straight into (or
come straight out of) AES-GCM; the plaintext never touches the disk.
"""

from __future__ import annotations

import json

from pydantic import SecretStr

from tui.core.credentials import Credentials

__all__ = ["PayloadError", "encode_profiles", "decode_profiles", "check_profile_name"]

_PAYLOAD_VERSION = 1
_MAX_NAME = 128


class PayloadError(ValueError):
    """The decrypted bytes are not a valid credential payload."""


def check_profile_name(profile: str) -> str:
    """Return ``profile`` if it is a usable profile name, else raise ``ValueError``."""
    if not isinstance(profile, str) or not profile.strip() or len(profile) > _MAX_NAME:
        raise ValueError(f"a profile name is 1..{_MAX_NAME} characters of text")
    if any(not ch.isprintable() for ch in profile):
        raise ValueError("a profile name may not contain control characters")
    return profile


def encode_profiles(profiles: dict[str, Credentials]) -> bytes:
    """The payload bytes for ``profiles``."""
    body = {
        name: {"api_key": creds.api_key.get_secret_value(),
               "secret": creds.secret.get_secret_value()}
        for name, creds in sorted(profiles.items())
    }
    return json.dumps({"v": _PAYLOAD_VERSION, "profiles": body},
                      separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def decode_profiles(data: bytes) -> dict[str, Credentials]:
    """The profiles in a payload; raises :class:`PayloadError` (never quoting content)."""
    try:
        doc = json.loads(data.decode("utf-8"))
        if doc.get("v") != _PAYLOAD_VERSION or not isinstance(doc.get("profiles"), dict):
            raise PayloadError("unknown payload version")
        return {
            check_profile_name(name): Credentials(api_key=SecretStr(entry["api_key"]),
                                                  secret=SecretStr(entry["secret"]))
            for name, entry in doc["profiles"].items()
        }
    except PayloadError:
        raise
    except Exception:  # noqa: BLE001 - any malformation is the same failure
        raise PayloadError("the decrypted payload is malformed") from None
