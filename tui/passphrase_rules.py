"""What a new vault passphrase must be, and how strong it looks.

A new passphrase needs at least :data:`MIN_PASSPHRASE_LENGTH` characters. Its strength is
an estimate (characters drawn from the classes it uses, times its length, in bits): a
word for the user, not a guarantee — Argon2id's cost does the rest.
"""

from __future__ import annotations

import math
import string

__all__ = ["MIN_PASSPHRASE_LENGTH", "passphrase_problem", "strength_bits", "strength_word"]

MIN_PASSPHRASE_LENGTH = 8


def passphrase_problem(value: str) -> str | None:
    """Why ``value`` is refused as a new passphrase, or None when it is accepted."""
    if len(value) < MIN_PASSPHRASE_LENGTH:
        return (f"a passphrase needs at least {MIN_PASSPHRASE_LENGTH} characters (this one "
                f"has {len(value)}); a few unrelated words are easy to remember")
    return None


def strength_bits(value: str) -> int:
    """Estimated bits of guessing work: length × log2 of the character pool it draws on."""
    pool = 0
    for chars in (string.ascii_lowercase, string.ascii_uppercase, string.digits):
        if any(c in chars for c in value):
            pool += len(chars)
    if any(c in string.punctuation or c == " " for c in value):
        pool += len(string.punctuation) + 1
    if any(not c.isascii() for c in value):
        pool += 100
    distinct = len(set(value))
    return 0 if not value or pool == 0 else int(min(len(value), distinct * 2)
                                                 * math.log2(pool))


def strength_word(value: str) -> str:
    """``weak``, ``fair`` or ``strong`` for :func:`strength_bits`."""
    bits = strength_bits(value)
    return "weak" if bits < 45 else "fair" if bits < 70 else "strong"
