"""How each venue signs a request, as pure functions (see docs/wire.md, "Signing").

Every function takes the secret as a plain ``str`` at call time and returns the signature
text; nothing here keeps or logs key material. Adapters call these from their ``sign()``.
Parameters are passed as ``(name, value)`` pairs of strings, already in their wire text.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import string
from collections.abc import Iterable
from typing import Any

__all__ = [
    "nonce",
    "sorted_query",
    "fcoin_url",
    "fcoin_body",
    "fcoin_sign",
    "bitunix_query",
    "bitunix_sign",
    "bitz_payload",
    "bitz_sign",
    "chainup_sign",
    "hmac_sha256_hex",
    "bhex_sign",
]

Pairs = Iterable[tuple[str, str]]

_ALPHANUMERIC = string.ascii_letters + string.digits


def nonce(length: int) -> str:
    """A random alphanumeric string from the ``secrets`` generator."""
    return "".join(secrets.choice(_ALPHANUMERIC) for _ in range(length))


def sorted_query(pairs: Pairs) -> str:
    """``k1=v1&k2=v2...`` sorted by name (then value), values written as they are."""
    return "&".join(f"{k}={v}" for k, v in sorted(pairs))


# -- fcoin ---------------------------------------------------------------------------


def fcoin_url(base_url: str, path: str, params: Pairs) -> str:
    """The URL FCoin signs: base URL + path, then ``?`` and the query sorted by name,
    written ``k=v&...`` with the values as they are (not percent-encoded)."""
    url = base_url.rstrip("/") + path
    query = sorted_query(params)
    return f"{url}?{query}" if query else url


def fcoin_body(json_text: str | None) -> str:
    """The BODY FCoin signs: the JSON body's top-level keys sorted, as ``k=v`` joined by ``&``.

    Values are their JSON text, strings without their quotes.
    """
    if not json_text:
        return ""
    body = json.loads(json_text, parse_float=str, parse_int=str)
    return "&".join(f"{k}={_json_value_text(body[k])}" for k in sorted(body))


def _json_value_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def fcoin_sign(secret: str, method: str, url: str, timestamp: str, body: str = "") -> str:
    """``base64(hmac_sha1(secret, base64(METHOD + URL + TIMESTAMP + BODY)))``."""
    payload = base64.b64encode(f"{method.upper()}{url}{timestamp}{body}".encode())
    digest = hmac.new(secret.encode(), payload, hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


# -- bitunix -------------------------------------------------------------------------


def bitunix_query(params: Pairs) -> str:
    """Bitunix's query text: parameters sorted by key, written ``keyvalue`` with no separators."""
    return "".join(f"{k}{v}" for k, v in sorted(params))


def bitunix_sign(secret: str, api_key: str, nonce_: str, timestamp: str, params: Pairs,
                 body: str = "") -> str:
    """``sha256_hex(sha256_hex(nonce + timestamp + api_key + query + body) + secret)``."""
    digest = _sha256_hex(nonce_ + timestamp + api_key + bitunix_query(params) + body)
    return _sha256_hex(digest + secret)


def _sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# -- bitz ----------------------------------------------------------------------------


def bitz_payload(secret: str, fields: Pairs) -> str:
    """The text Bit-Z hashes: every field but ``sign`` sorted as ``k=v&...``, then the secret."""
    return sorted_query((k, v) for k, v in fields if k != "sign") + secret


def bitz_sign(secret: str, fields: Pairs) -> str:
    """``md5_hex`` of :func:`bitz_payload`."""
    return hashlib.md5(bitz_payload(secret, fields).encode()).hexdigest()


# -- chainup -------------------------------------------------------------------------


def chainup_sign(secret: str, fields: Pairs) -> str:
    """``md5_hex`` of every field but ``sign`` sorted as ``k=v&...``, followed by the app secret."""
    text = sorted_query((k, v) for k, v in fields if k != "sign") + secret
    return hashlib.md5(text.encode()).hexdigest()


# -- bhex ----------------------------------------------------------------------------


def hmac_sha256_hex(secret: str, text: str) -> str:
    """The HMAC-SHA256 of ``text`` under ``secret``, as lower-case hex."""
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


def bhex_sign(secret: str, params: Pairs) -> str:
    """BHEX's ``signature``: HMAC-SHA256 hex of every other parameter sorted as ``k=v&...``."""
    return hmac_sha256_hex(secret, sorted_query((k, v) for k, v in params if k != "signature"))
