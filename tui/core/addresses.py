"""Address checksums, so a mistyped address is caught before the venue sees it.

- Bitcoin bech32 (BIP 173, witness v0) and bech32m (BIP 350, witness v1+) — :func:`bech32_ok`;
- Bitcoin legacy base58check (P2PKH ``1...``, P2SH ``3...``) — :func:`base58check_ok`;
- EIP-55 mixed-case checksums of Ethereum-style addresses — :func:`eip55_ok` (an address
  all in lower or all in upper case carries no checksum and passes).

Implemented from the specifications (the BIPs' reference code, EIP-55's algorithm) with
their test vectors in tests/test_addresses.py; Keccak-256 (not NIST SHA3-256, which pads
differently) is :func:`keccak256`. Pure functions, no I/O.
"""

from __future__ import annotations

import hashlib

__all__ = ["bech32_ok", "base58check_ok", "bitcoin_address_ok", "eip55_ok", "keccak256",
           "case_insensitive", "tail_matches"]

_BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_CONST = 1
_BECH32M_CONST = 0x2BC830A3
_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


# -- bech32 / bech32m -------------------------------------------------------------------

def _polymod(values: list[int]) -> int:
    generator = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for value in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ value
        for i in range(5):
            chk ^= generator[i] if ((top >> i) & 1) else 0
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _convertbits(data: list[int], frombits: int, tobits: int) -> list[int] | None:
    acc, bits, out = 0, 0, []
    maxv = (1 << tobits) - 1
    for value in data:
        if value < 0 or value >> frombits:
            return None
        acc = (acc << frombits) | value
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            out.append((acc >> bits) & maxv)
    if bits >= frombits or ((acc << (tobits - bits)) & maxv):
        return None
    return out


def bech32_ok(address: str, hrp: str = "bc") -> bool:
    """Whether ``address`` is a valid segwit address for ``hrp`` (``bc`` mainnet):
    checksum (bech32 for witness v0, bech32m for v1-16), one case, program length."""
    if address.lower() != address and address.upper() != address:
        return False
    text = address.lower()
    pos = text.rfind("1")
    if pos < 1 or pos + 7 > len(text) or len(text) > 90 or text[:pos] != hrp:
        return False
    if any(ord(c) < 33 or ord(c) > 126 for c in text):
        return False
    try:
        data = [_BECH32_CHARSET.index(c) for c in text[pos + 1:]]
    except ValueError:
        return False
    const = _polymod(_hrp_expand(hrp) + data)
    if const not in (_BECH32_CONST, _BECH32M_CONST):
        return False
    payload = data[:-6]
    if not payload:
        return False
    version = payload[0]
    program = _convertbits(payload[1:], 5, 8)
    if program is None or version > 16 or not 2 <= len(program) <= 40:
        return False
    if version == 0 and len(program) not in (20, 32):
        return False
    return const == (_BECH32_CONST if version == 0 else _BECH32M_CONST)


# -- base58check ------------------------------------------------------------------------

def _b58decode(text: str) -> bytes | None:
    number = 0
    for char in text:
        index = _BASE58.find(char)
        if index < 0:
            return None
        number = number * 58 + index
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    leading = len(text) - len(text.lstrip("1"))
    return b"\x00" * leading + body


def base58check_ok(address: str, versions: bytes = b"\x00\x05") -> bool:
    """Whether ``address`` is base58check with a valid checksum, 21 bytes of payload and a
    version byte in ``versions`` (Bitcoin mainnet P2PKH 0x00, P2SH 0x05)."""
    raw = _b58decode(address)
    if raw is None or len(raw) != 25:
        return False
    payload, checksum = raw[:-4], raw[-4:]
    digest = hashlib.sha256(hashlib.sha256(payload).digest()).digest()
    return digest[:4] == checksum and payload[0] in versions


def bitcoin_address_ok(address: str) -> bool:
    """A Bitcoin mainnet address with a valid checksum (legacy or segwit)."""
    if address[:3].lower() == "bc1":
        return bech32_ok(address)
    return base58check_ok(address)


def case_insensitive(address: str) -> bool:
    """Whether the address's encoding ignores case (bech32, hex): its last-4 confirmation
    is then compared without regard to case."""
    return address[:3].lower() == "bc1" or address[:2].lower() == "0x"


def tail_matches(address: str, typed: str) -> bool:
    """Whether ``typed`` is the last 4 characters of ``address``: regardless of case where
    the encoding ignores case (bech32, hex), exactly otherwise (base58 and the rest)."""
    tail, typed = address.strip()[-4:], typed.strip()
    if case_insensitive(address.strip()):
        return typed.lower() == tail.lower()
    return typed == tail


# -- Keccak-256 and EIP-55 --------------------------------------------------------------

_RC = [
    0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
    0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
    0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
    0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
    0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
]
_ROT = [[0, 36, 3, 41, 18], [1, 44, 10, 45, 2], [62, 6, 43, 15, 61], [28, 55, 25, 21, 56],
        [27, 20, 39, 8, 14]]
_MASK = (1 << 64) - 1


def _rol(value: int, shift: int) -> int:
    return ((value << shift) | (value >> (64 - shift))) & _MASK if shift else value


def _keccak_f(state: list[list[int]]) -> None:
    for rc in _RC:
        c = [state[x][0] ^ state[x][1] ^ state[x][2] ^ state[x][3] ^ state[x][4]
             for x in range(5)]
        d = [c[(x - 1) % 5] ^ _rol(c[(x + 1) % 5], 1) for x in range(5)]
        for x in range(5):
            for y in range(5):
                state[x][y] ^= d[x]
        b = [[0] * 5 for _ in range(5)]
        for x in range(5):
            for y in range(5):
                b[y][(2 * x + 3 * y) % 5] = _rol(state[x][y], _ROT[x][y])
        for x in range(5):
            for y in range(5):
                state[x][y] = b[x][y] ^ ((~b[(x + 1) % 5][y]) & b[(x + 2) % 5][y])
        state[0][0] ^= rc


def keccak256(data: bytes) -> bytes:
    """Keccak-256 as Ethereum uses it (original Keccak padding, not SHA3-256's)."""
    rate = 136
    padded = bytearray(data) + b"\x01" + b"\x00" * ((-len(data) - 1) % rate)
    padded[-1] |= 0x80
    state = [[0] * 5 for _ in range(5)]
    for block in range(0, len(padded), rate):
        chunk = padded[block:block + rate]
        for i in range(rate // 8):
            lane = int.from_bytes(chunk[8 * i:8 * i + 8], "little")
            state[i % 5][i // 5] ^= lane
        _keccak_f(state)
    out = b"".join(state[i % 5][i // 5].to_bytes(8, "little") for i in range(4))
    return out


def eip55_ok(address: str) -> bool:
    """Whether a ``0x`` + 40 hex address satisfies EIP-55: one case throughout (no
    checksum to check) or exactly the mixed case its Keccak-256 hash prescribes."""
    body = address[2:]
    if body == body.lower() or body == body.upper():
        return True
    digest = keccak256(body.lower().encode("ascii")).hex()
    return all((char.upper() if int(nibble, 16) >= 8 else char.lower()) == char
               for char, nibble in zip(body, digest))
