"""Checking a money movement before anything is sent: pure and venue-neutral.

The TUI forms call :func:`validate_move` as the user types and show each
:class:`Problem` under its field; the CLI prints them and stops. Nothing here talks to a
venue: the caller passes the balance and the :class:`~tui.core.moves.WithdrawQuote` it
already has, and (for a withdrawal) how the venue computes the arrival amount.

Amounts are never rounded: too many decimals is a problem to fix, not something to cut.

Address plausibility is a small set of documented shapes per network family
(:data:`ADDRESS_RULES`); an address on a network not listed there only has to be
non-empty and without blanks.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_DOWN, Context, Decimal

from tui.core.addresses import base58check_ok, bech32_ok, eip55_ok
from tui.core.money import EXACT, decimal_places, plain
from tui.core.moves import MoveKind, WithdrawQuote

__all__ = [
    "Problem",
    "AddressRule",
    "ADDRESS_RULES",
    "parse_amount",
    "check_amount",
    "check_address",
    "check_memo",
    "check_recipient",
    "validate_move",
    "address_rule",
    "generic_arrival",
    "max_amount",
    "shown",
    "check_text",
    "normalise_coin",
    "resolve_network",
    "default_decimals",
    "MAX_AMOUNT_DIGITS",
    "MAX_ADDRESS_LENGTH",
]

MAX_AMOUNT_DIGITS = 100
"""The most digits an amount may span (integer digits plus decimals). Money arithmetic runs
in the 120-digit exact context (:data:`tui.core.money.EXACT`); this leaves room for a fee
or a balance beside the amount, so no sum or difference ever has to round."""

MAX_ADDRESS_LENGTH = 128
"""The longest address accepted; no chain coinsole knows uses more than 100 characters."""

MAX_NAME_LENGTH = 64
"""The longest coin, network, memo or account name accepted."""

ECHO_LIMIT = 40
"""How many characters of the user's input an error message repeats."""

_DEFAULT_DECIMALS: dict[str, int] = {"fcoin": 18, "bitunix": 18, "bhex": 18, "bitz": 8,
                                     "chainup": 8}
"""Amount decimals per venue where the venue publishes none for a coin (docs/wire.md,
"Amount precision"): FCoin and Bitunix send balances as JSON numbers with up to 18
decimals (the documents' ``5094.859925211325094096``); Bit-Z and ChainUp 8."""


def shown(text: str | None, limit: int = ECHO_LIMIT) -> str:
    """User input as a message may repeat it: one line (every unprintable character as its
    escape, e.g. ``\\n``, ``\\u202e``) and at most ``limit`` characters, cut with ``…``.

    Every error message that echoes what the user typed goes through this."""
    raw = "" if text is None else str(text)
    out: list[str] = []
    length = 0
    for ch in raw[: limit + 1]:
        piece = ch if ch.isprintable() else ascii(ch)[1:-1]
        out.append(piece)
        length += len(piece)
        if length > limit:
            break
    safe = "".join(out)
    if len(safe) > limit or len(raw) > limit:
        return safe[: limit - 1] + "…"
    return safe


def _unprintable(text: str) -> bool:
    """Whether ``text`` holds a control, format (bidi, zero-width), line/paragraph separator
    or any blank other than a plain space."""
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp")
               or (unicodedata.category(ch) == "Zs" and ch != " ") for ch in text)


def check_text(field: str, what: str, text: str | None, *,
               limit: int = MAX_NAME_LENGTH) -> list[Problem]:
    """A name, network, memo or remark: no control or invisible characters, and at most
    ``limit`` characters."""
    if text is None:
        return []
    if _unprintable(text):
        return [Problem(field, f"The {what} {shown(text)} contains control or invisible "
                               "characters; type it again.")]
    if len(text) > limit:
        return [Problem(field, f"The {what} {shown(text)} is longer than {limit} characters; "
                               "check it.")]
    return []


def normalise_coin(typed: str, known: Iterable[str] | None) -> tuple[str | None, str | None,
                                                                   Problem | None]:
    """The venue's spelling of the coin ``typed``: ``(coin, note, problem)``.

    ``known`` is the coins the venue lists (None: not known, then the typed coin is
    upper-cased, as every venue coinsole speaks lists its coins). A coin found only
    case-insensitively is taken with a ``note`` saying so (``coin btc read as BTC``); a coin
    the venue does not list is a problem naming the known ones (cut)."""
    text = typed.strip()
    problems = check_text("coin", "coin", text, limit=32)
    if problems:
        return None, None, problems[0]
    if not text:
        return None, None, Problem("coin", "Enter a coin, e.g. USDT.")
    names = sorted(set(known)) if known is not None else None
    if names is None:
        coin = text.upper()
    elif text in names:
        coin = text
    else:
        folded = [name for name in names if name.upper() == text.upper()]
        if len(folded) != 1:
            listed = shown(", ".join(names), 60) or "none"
            return None, None, Problem("coin", f"The venue lists no coin {shown(text)}; known: "
                                               f"{listed}.")
        coin = folded[0]
    note = f"coin {shown(text)} read as {coin}" if coin != text else None
    return coin, note, None


def default_decimals(venue_id: str) -> int:
    """The amount decimals to allow at ``venue_id`` when it publishes none for the coin."""
    return _DEFAULT_DECIMALS.get(venue_id, 8)


def resolve_network(network: str | None, quote: WithdrawQuote | None,
                    coin: str) -> tuple[str | None, str | None, Problem | None]:
    """The network a withdrawal goes out on, decided before anything else:
    ``(network, label, problem)``.

    A typed network must be one the venue lists (case-insensitively; the venue's
    spelling is used). With none typed: the network the quote names (the venue's
    default), else the only one listed; several listed and no default is a problem naming
    them. When the venue lists none, the coin's own chain: ``network`` is None and
    ``label`` says so. ``label`` is what the confirmation shows."""
    listed = [n.strip() for n in (quote.extra.get("networks", "") if quote else "").split(",")
              if n.strip()]
    if network is not None:
        text = network.strip()
        problems = check_text("network", "network", network)
        if problems:
            return None, None, problems[0]
        if not text:
            return None, None, Problem("network", "Enter a network or leave it out for the "
                                                  "venue's default.")
        if listed:
            match = [n for n in listed if n.casefold() == text.casefold()]
            if not match:
                return None, None, Problem("network", f"{coin} has no network {shown(text)} "
                                                      f"here; choose one of: "
                                                      f"{shown(', '.join(listed), 120)}.")
            text = match[0]
        return text, text, None
    if quote is not None and quote.network:
        return quote.network, f"{quote.network} (venue default)", None
    if len(listed) == 1:
        return listed[0], f"{listed[0]} (the only network)", None
    if len(listed) > 1:
        return None, None, Problem("network", f"{coin} has several networks here; choose one: "
                                              f"{shown(', '.join(listed), 120)}.")
    return None, f"{coin}'s own chain (venue default)", None

ZERO = Decimal(0)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: the form ``field`` it belongs to and a message that
    says what to do. Fields: ``amount``, ``coin``, ``address``, ``memo``, ``recipient``,
    ``country_code``."""

    field: str
    message: str


@dataclass(frozen=True)
class AddressRule:
    """The shape of addresses on one family of networks."""

    name: str
    """Human name of the family (``"Tron (TRC-20)"``)."""
    keywords: frozenset[str]
    """Words of a network or coin name that select this rule (``tron``, ``trc20``)."""
    shape: str
    """The shape in words, for the message (``"T followed by 33 base58 characters"``)."""
    matches: Callable[[str], bool]


_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_TRON = re.compile(f"T[{_BASE58}]{{33}}")
_EVM = re.compile("0x[0-9a-fA-F]{40}")
_BTC_LEGACY = re.compile(f"[13][{_BASE58}]{{25,34}}")
_BTC_BECH32 = re.compile(f"bc1[{_BECH32}]{{11,71}}")


def _btc(address: str) -> bool:
    if _BTC_LEGACY.fullmatch(address):
        return base58check_ok(address)
    # bech32 is all lower case or all upper case, never mixed.
    return address in (address.lower(), address.upper()) and bool(
        _BTC_BECH32.fullmatch(address.lower())) and bech32_ok(address)


ADDRESS_RULES: tuple[AddressRule, ...] = (
    AddressRule("Tron (TRC-20)", frozenset({"tron", "trc20", "trx"}),
                "T followed by 33 base58 characters", lambda a: bool(_TRON.fullmatch(a))),
    AddressRule("Ethereum-style (ERC-20, BEP-20, Polygon, Arbitrum, Optimism)",
                frozenset({"eth", "ethereum", "erc20", "bep20", "bsc", "polygon", "matic",
                           "arbitrum", "optimism"}),
                "0x followed by 40 hex digits, with a valid EIP-55 checksum when in "
                "mixed case", lambda a: bool(_EVM.fullmatch(a)) and eip55_ok(a)),
    AddressRule("Bitcoin", frozenset({"btc", "bitcoin"}),
                "legacy 1... or 3... (base58check) or bech32 bc1..., with a valid "
                "checksum",
                _btc),
)
"""Known address shapes. A network is matched by the words of its name
(``"Tron (TRC-20)"`` -> ``tron``, ``trc20``); with no network, by the coin (BTC, ETH, TRX)."""


def _words(name: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", name.lower().replace("-", "")))


def address_rule(network: str | None, coin: str | None = None) -> AddressRule | None:
    """The address rule for ``network`` (or, with no network, for ``coin``), or None when
    the network is not one coinsole knows the shape of."""
    name = network if network else coin
    if not name:
        return None
    words = _words(name)
    for rule in ADDRESS_RULES:
        if words & rule.keywords:
            return rule
    return None


_AMOUNT = re.compile(r"([0-9]+\.?[0-9]*|\.[0-9]+)")


def parse_amount(text: str | None) -> tuple[Decimal | None, Problem | None]:
    """The amount typed, or the problem with it.

    Digits with at most one decimal point; blanks around are ignored; letters, signs,
    exponents and thousands separators are refused. Trailing zeros after the point are
    dropped (``1.50`` is ``1.5``: the same value, so nothing is rounded).
    """
    raw = (text or "").strip()
    if not raw:
        return None, Problem("amount", "Enter an amount.")
    if len(raw) > 4 * MAX_AMOUNT_DIGITS:
        return None, Problem("amount", f"The amount has too many digits (more than "
                                       f"{MAX_AMOUNT_DIGITS}); type a shorter amount.")
    if raw.startswith("-") and _AMOUNT.fullmatch(raw[1:]):
        return None, Problem("amount", "The amount must be more than 0; type a positive "
                                       "amount.")
    if not _AMOUNT.fullmatch(raw):
        return None, Problem("amount", "The amount must be a number: type digits and at most "
                                       "one decimal point (e.g. 12.5), no letters or commas.")
    if "." in raw:
        raw = raw.rstrip("0").rstrip(".") or "0"
    whole, _, frac = raw.partition(".")
    if len(whole.lstrip("0")) + len(frac) > MAX_AMOUNT_DIGITS:
        return None, Problem("amount", f"The amount has too many digits (more than "
                                       f"{MAX_AMOUNT_DIGITS}); type a shorter amount.")
    return Decimal(raw), None


def generic_arrival(quote: WithdrawQuote | None) -> Callable[[Decimal], Decimal]:
    """What arrives for most venues: ``amount - fee`` when the fee is charged in the
    withdrawn coin, else ``amount``. Venues with their own formula (BHEX) pass theirs."""
    def arrival(amount: Decimal) -> Decimal:
        if quote is None or quote.fee is None:
            return amount
        if quote.fee_coin is not None and quote.fee_coin != quote.coin:
            return amount
        return EXACT.subtract(amount, quote.fee)
    return arrival


def check_amount(text: str | None, coin: str, *, available: Decimal | None = None,
                 precision: int | None = None, quote: WithdrawQuote | None = None,
                 arrival: Callable[[Decimal], Decimal] | None = None,
                 withdrawal: bool = False) -> tuple[Decimal | None, list[Problem]]:
    """The parsed amount and every problem with it.

    In order: a number, more than 0, within ``precision`` decimals (else the quote's),
    at most ``available`` (else the quote's). For a ``withdrawal`` also: at least the
    quote's minimum, within the day quota left (``day_quota - used_quota``), and something
    left to arrive after the fee (``arrival``, by default :func:`generic_arrival`).
    """
    amount, problem = parse_amount(text)
    if problem:
        return None, [problem]
    assert amount is not None
    if amount <= 0:
        return amount, [Problem("amount", "The amount must be more than 0; type a positive "
                                          "amount.")]
    problems: list[Problem] = []
    if precision is None and quote is not None:
        precision = quote.precision
    if precision is not None and decimal_places(amount) > precision:
        places = "no decimals" if precision == 0 else f"at most {precision} decimal" + (
            "s" if precision != 1 else "")
        problems.append(Problem("amount", f"{coin} allows {places}; remove the extra digits "
                                          "(nothing is rounded for you)."))
    if available is None and quote is not None:
        available = quote.available
    if available is not None and amount > available:
        problems.append(Problem("amount", f"The amount is more than the {plain(available)} "
                                          f"{coin} available; lower it or use max."))
    if withdrawal and quote is not None:
        if quote.minimum is not None and amount < quote.minimum:
            problems.append(Problem("amount", f"The minimum withdrawal is "
                                              f"{plain(quote.minimum)} {coin}; raise the "
                                              "amount."))
        if quote.day_quota is not None:
            left = EXACT.subtract(quote.day_quota, quote.used_quota or ZERO)
            if amount > left:
                problems.append(Problem(
                    "amount", f"Only {plain(max(left, ZERO))} {coin} of today's withdrawal "
                              "quota is left; lower the amount or wait for the quota to "
                              "free up."))
        try:
            arrives = (arrival or generic_arrival(quote))(amount)
        except (ValueError, ArithmeticError):
            arrives = None
        if arrives is not None and arrives <= 0:
            fee = f" the {plain(quote.fee)} {quote.fee_coin or coin} fee" if quote.fee else \
                " the fees"
            problems.append(Problem("amount", f"Nothing would arrive after{fee}; raise the "
                                              "amount."))
    return amount, problems


def check_address(address: str | None, network: str | None,
                  coin: str | None = None) -> list[Problem]:
    """The address is present and plausible for ``network`` (see :data:`ADDRESS_RULES`);
    on an unknown network: non-empty and without blanks."""
    value = (address or "").strip()
    if not value:
        return [Problem("address", "Enter the destination address.")]
    if not value.isascii() or _unprintable(value):
        return [Problem("address", f"The address {shown(value)} contains invisible, "
                                   "direction-changing, fullwidth or other non-ASCII "
                                   "characters; copy it again from the recipient.")]
    if len(value) > MAX_ADDRESS_LENGTH:
        return [Problem("address", f"The address is {len(value)} characters long (at most "
                                   f"{MAX_ADDRESS_LENGTH}); check it and paste it again.")]
    if re.search(r"\s", value):
        return [Problem("address", "The address contains spaces; paste it again without "
                                   "them.")]
    rule = address_rule(network, coin)
    if rule is not None and not rule.matches(value):
        return [Problem("address", f"This is not a {rule.name} address ({rule.shape}); "
                                   "check it and paste it again.")]
    return []


def check_memo(memo: str | None, required: bool) -> list[Problem]:
    """A memo/tag is present when the coin on this network needs one, and carries no
    control or invisible characters."""
    problems = check_text("memo", "memo/tag", memo, limit=MAX_ADDRESS_LENGTH)
    if problems:
        return problems
    if required and not (memo or "").strip():
        return [Problem("memo", "This coin needs a memo/tag on this network; enter the memo "
                                "the recipient gave you, or the funds may be lost.")]
    return []


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")


def check_recipient(kind: str | None, value: str | None,
                    country_code: str | None = None) -> list[Problem]:
    """An internal-transfer recipient: a uid is digits (at most 19, an int64), an email
    looks like ``name@domain.tld``, a phone is a country code of 1-4 digits (``+``
    optional) and a number of 4-15 digits."""
    text = (value or "").strip()
    if kind not in ("uid", "email", "phone"):
        return [Problem("recipient", "Choose how to name the recipient: uid, email or phone.")]
    if not text:
        return [Problem("recipient", f"Enter the recipient's {kind}.")]
    if _unprintable(text) or not text.isascii():
        return [Problem("recipient", f"The {kind} {shown(text)} contains invisible, control "
                                     "or non-ASCII characters; type it again.")]
    if kind == "uid" and not re.fullmatch(r"[0-9]{1,19}", text):
        return [Problem("recipient", "A uid is digits only (e.g. 681979174); check it.")]
    if kind == "email" and not _EMAIL.fullmatch(text):
        return [Problem("recipient", "This is not an email address (name@domain.com); check "
                                     "it.")]
    if kind == "phone":
        problems = []
        if not re.fullmatch(r"\+?[0-9]{1,4}", (country_code or "").strip()):
            problems.append(Problem("country_code", "Enter the country calling code as digits "
                                                    "(e.g. 86 or +86)."))
        if not re.fullmatch(r"[0-9]{4,15}", text):
            problems.append(Problem("recipient", "A phone number is 4 to 15 digits without "
                                                 "spaces or the country code; check it."))
        return problems
    return []


def validate_move(kind: MoveKind, *, amount_text: str | None, coin: str,
                  available: Decimal | None = None, precision: int | None = None,
                  quote: WithdrawQuote | None = None,
                  arrival: Callable[[Decimal], Decimal] | None = None,
                  memo: str | None = None, memo_required: bool | None = None,
                  address: str | None = None, network: str | None = None,
                  recipient_kind: str | None = None, recipient_value: str | None = None,
                  country_code: str | None = None,
                  remark: str | None = None) -> list[Problem]:
    """Every problem with a move of ``kind`` as typed; an empty list means it may be sent
    to confirmation.

    All moves: the amount (:func:`check_amount`). INTERNAL_TRANSFER: the recipient
    (:func:`check_recipient`). WITHDRAW: withdrawals open (``quote.allowed``), minimum,
    quota and arrival, the network (:func:`resolve_network`: the venue's default when none
    is typed), the address for that network (:func:`check_address`) and the memo when
    ``memo_required`` (default: the quote's ``needs_tag``). A ``remark`` carries no
    control characters. ``arrival`` is the venue's
    arrival formula (``lambda a: venue.arrival_amount(quote, a, miner_fee)``).
    """
    withdrawal = kind is MoveKind.WITHDRAW
    problems: list[Problem] = []
    if withdrawal and quote is not None and not quote.allowed:
        reason = f": {quote.refuse_reason}" if quote.refuse_reason else ""
        problems.append(Problem("coin", f"Withdrawals of {coin} are closed at the venue"
                                        f"{reason}. Try again later."))
    _, amount_problems = check_amount(amount_text, coin, available=available,
                                      precision=precision, quote=quote, arrival=arrival,
                                      withdrawal=withdrawal)
    problems += amount_problems
    if kind is MoveKind.INTERNAL_TRANSFER:
        problems += check_recipient(recipient_kind, recipient_value, country_code)
        problems += check_text("remark", "remark", remark, limit=256)
    if withdrawal:
        resolved, _, network_problem = resolve_network(network, quote, coin)
        if network_problem is not None:
            problems.append(network_problem)
        problems += check_address(address, resolved, coin)
        if memo_required is None:
            memo_required = bool(quote and quote.needs_tag)
        problems += check_memo(memo, memo_required)
    return problems


def max_amount(available: Decimal, *, precision: int | None = None,
               fee: Decimal | None = None, fee_on_top: bool = False) -> Decimal:
    """The largest amount the "max" button fills in.

    The choice: the venues coinsole speaks take the withdrawal fee *out of* the amount
    (Bitunix: amount - fee = arrival; BHEX's arrival formula), so max is the whole
    available balance. Pass ``fee_on_top`` for a venue that charges a fee in the same
    coin on top of the amount: max is then ``available - fee``. The result is cut down
    (never up) to ``precision`` decimals so it is a valid amount no larger than what is
    available, and is never below 0.
    """
    value = available
    if fee_on_top and fee:
        value = EXACT.subtract(value, fee)
    if value <= 0:
        return ZERO
    if precision is not None and decimal_places(value) > precision:
        value = value.quantize(Decimal(1).scaleb(-precision),
                               context=Context(prec=EXACT.prec, rounding=ROUND_DOWN))
    return value
