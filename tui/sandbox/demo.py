"""Deterministic demo data: one credential per venue and the balances behind them.

Everything here follows from a seed: the same seed gives the same keys, users, accounts,
amounts and update times (relative to the clock when the sandbox starts). The documents'
own example values (FCoin's ``5094.859925211325094096``, ChainUp's
``149555114.0139600009053943``, BHEX's 18-decimal balances) are part of the data.
"""

from __future__ import annotations

import random
from decimal import Decimal

from tui.sandbox.demo_money import (BITUNIX_DEPOSITS, BITUNIX_FUTURES,  # re-exported
                                    BITUNIX_NETWORKS, BITUNIX_PRECISION, BITUNIX_USERS,
                                    BHEX_WITHDRAW_RULES, DEMO_TRADE_PASSWORD,
                                    DEMO_WITHDRAW_ADDRESSES, FCOIN_PRECISION, fake_hash)
from tui.sandbox.ledger import AccountRow, ApiKey, Ledger, SubAccount
from tui.sandbox.moves import MoveStore

__all__ = [
    "DEFAULT_SEED",
    "DemoProfile",
    "DEMO_PROFILES",
    "demo_profiles",
    "populate",
    "CHAINUP_DEMO_UID",
    "CHAINUP_USERS",
    "CHAINUP_SHOW_NAMES",
    "BHEX_DEMO_USER_ID",
    "BHEX_OTHER_USER_IDS",
    "BITZ_PRICES",
    "BITZ_USD_CNY",
    "BHEX_TOKENS",
    "BHEX_SYMBOLS",
    "DEMO_WITHDRAW_ADDRESSES",
    "DEMO_TRADE_PASSWORD",
    "FCOIN_PRECISION",
    "BITUNIX_PRECISION",
    "BITUNIX_NETWORKS",
    "BITUNIX_USERS",
    "BHEX_WITHDRAW_RULES",
    "seed_history",
]

from tui.sandbox.profiles import (BHEX_DEMO_USER_ID, BHEX_OTHER_USER_IDS,  # re-exported
                                  CHAINUP_DEMO_UID, DEFAULT_SEED, DEMO_PROFILES, OWNERS,
                                  DemoProfile, demo_profiles)

_OWNERS = OWNERS


# -- fixed reference data ---------------------------------------------------------------

BITZ_PRICES: dict[str, tuple[Decimal, Decimal]] = {
    "btc": (Decimal("1"), Decimal("91234.56")),
    "eth": (Decimal("0.03412345"), Decimal("3113.37")),
    "usdt": (Decimal("0.00001096"), Decimal("1.0002")),
    "zpr": (Decimal("0.00000012"), Decimal("0.0109")),
    "dkkt": (Decimal("0.00000231"), Decimal("0.2107")),
}
"""Bit-Z demo prices per coin: (in BTC, in USD)."""

BITZ_USD_CNY = Decimal("7.2501")
"""Bit-Z demo exchange rate: CNY per USD."""

BHEX_TOKENS: dict[str, str] = {"AT": "ArtFinity Token", "BTC": "Bitcoin", "ETH": "Ethereum",
                               "USDT": "Tether"}
"""BHEX demo tokens: id -> full name."""

BHEX_SYMBOLS: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    # base, quote, basePrecision, quotePrecision, minTradeQuantity, minTradeAmount, minPrice
    ("AT", "USDT", "0.01", "0.0001", "1", "0.1", "0.0001"),
    ("BTC", "USDT", "0.0001", "0.01", "0.0001", "1", "0.01"),
    ("ETH", "USDT", "0.0001", "0.01", "0.001", "1", "0.01"),
    ("ETH", "BTC", "0.0001", "0.000001", "0.001", "0.0001", "0.000001"),
)
"""BHEX demo trading pairs and their precisions."""

_CHAINUP_COIN_CODES = {"BTC": "101", "ETH": "102", "USDT": "106", "EOS": "108",
                       "TRX": "1003", "DOGE": "6002"}
"""ChainUp's own suffix per coin, appended to the three-digit account type."""

_CHAINUP_EXTRA_TYPES = (("217", "218"), ("207",), ("230",), ("210",), ("221",))


# -- population -------------------------------------------------------------------------

def populate(ledger: Ledger, *, seed: int = DEFAULT_SEED, now_ms: int) -> None:
    """Fill an empty ledger with every venue's demo keys, accounts and sub-accounts."""
    rng = random.Random(seed)
    for profile in demo_profiles(seed):
        ledger.add_key(ApiKey(profile.venue, profile.api_key, profile.secret,
                              _OWNERS[profile.venue]))
    ledger.insert_accounts(_simple_venues(now_ms))
    ledger.insert_accounts(_bhex_accounts(rng, now_ms))
    ledger.add_sub_accounts(_bhex_sub_accounts())
    ledger.insert_accounts(_chainup_accounts(rng, now_ms))
    ledger.insert_accounts(
        AccountRow(venue="bitunix", user_id=_OWNERS["bitunix"], account_type="futures",
                   coin=coin, available=_d(amount), updated_ms=now_ms)
        for coin, amount in BITUNIX_FUTURES)
    seed_history(MoveStore(ledger), now_ms=now_ms)
    seed_bhex_flows(MoveStore(ledger), now_ms=now_ms)


def seed_history(store: MoveStore, *, now_ms: int) -> None:
    """Record the Bitunix demo user's past deposits (no balance effect: the demo balances
    already include them)."""
    day = 24 * 3600 * 1000
    with store.txn() as txn:
        for ref, kind, coin, network, source, target, amount, days in BITUNIX_DEPOSITS:
            tx_hash = fake_hash("bitunix-deposit", ref) if kind == "deposit" else None
            txn.insert(venue="bitunix", user_id=_OWNERS["bitunix"], kind=kind,
                       ref=lambda _seq, ref=ref: ref, state="success", is_open=False,
                       now_ms=now_ms - days * day, coin=coin, amount=_d(amount),
                       data={"network": network, "fromAddress": source, "toAddress": target,
                             "transactionHash": tx_hash})


BHEX_DEMO_FLOWS: tuple[tuple[int, str, str, str], ...] = (
    # (days ago, token, flowType, change) of the demo user's main spot account, oldest
    # first; each token's changes add up to its balance now (free + frozen + lockup)
    (20, "USDT", "Deposit", "1500"),
    (18, "BTC", "Deposit", "0.05"),
    (15, "ETH", "Deposit", "0.000095308451789091"),
    (12, "USDT", "Trade", "-1249.5"),
    (12, "AT", "Trade", "15250.5"),
    (8, "USDT", "Transfer", "-249.459915902692901634"),
    (5, "BTC", "Withdraw", "-0.047923692677423786"),
    (2, "USDT", "Bonus", "0.00205479"),
    (1, "USDT", "Bonus", "0.00205479"),
)
"""The BHEX demo user's balance flow (``account/balance_flow``): the document's Bonus
records last, after the deposits, trades and transfers that built the balances."""


def seed_bhex_flows(store: MoveStore, *, now_ms: int) -> None:
    """Record :data:`BHEX_DEMO_FLOWS` (no balance effect: the balances already hold them)."""
    day = 24 * 3600 * 1000
    totals: dict[str, Decimal] = {}
    with store.txn() as txn:
        for days, token, flow_type, change in BHEX_DEMO_FLOWS:
            totals[token] = totals.get(token, Decimal(0)) + _d(change)
            txn.add_flow("bhex", BHEX_DEMO_USER_ID, "1", token, change=_d(change),
                         total=totals[token], flow_type=flow_type,
                         created_ms=now_ms - days * day)


def _d(text: str) -> Decimal:
    return Decimal(text)


def _simple_venues(now_ms: int) -> list[AccountRow]:
    fcoin = [("USDS", "5024", "0"), ("BTC", "45.591", "0"),
             ("ETH", "5094.859925211325094096", "0"),
             ("USDT", "32934.951247512771511524", "0"), ("FT", "120000.5", "2500")]
    bitunix = [("USDT", "1530.2045", "20.00"), ("BTC", "0.01893021", "0"),
               ("ETH", "1.204500000000000001", "0.5"), ("TRX", "19.000000000000000000", "0")]
    bitz = [("zpr", "37.49067275", "0.00000000"), ("btc", "0.52310000", "0.01000000"),
            ("eth", "12.00450000", "0.00000000"), ("usdt", "2531.07000000", "100.00000000"),
            ("dkkt", "0.00000000", "0.00000000")]
    rows = []
    for venue, account_type, coins in (("fcoin", "assets", fcoin), ("bitunix", "spot", bitunix),
                                       ("bitz", "spot", bitz)):
        rows += [AccountRow(venue=venue, user_id=_OWNERS[venue], account_type=account_type,
                            coin=coin, available=_d(free), frozen=_d(frozen), updated_ms=now_ms)
                 for coin, free, frozen in coins]
    return rows


_BHEX_DEMO_ACCOUNTS = (
    # type, index, name, [(token, free, frozen, lockup)]
    ("1", 0, "Main", [("BTC", "0.002076307322576214", "0", "0"),
                      ("ETH", "0.000095308451789091", "0", "0"),
                      ("USDT", "0.044193677307098366", "0", "1"),
                      ("AT", "15000.000000000000000000", "250.5", "0")]),
    ("3", 0, "Contract", [("USDT", "2510.334415720000000001", "120", "0"),
                          ("BTC", "0.100000000000000000", "0", "0")]),
    ("1", 1, "Quant team 1", [("USDT", "800.123456789012345678", "0", "0"),
                              ("BTC", "0.5", "0.25", "0")]),
    ("1", 2, "Market making", [("ETH", "3.141592653589793238", "0", "0")]),
    ("3", 1, "Hedge", [("USDT", "0", "0", "0")]),
)


def _bhex_sub_accounts() -> list[SubAccount]:
    subs = []
    for offset, (account_type, index, name, _) in enumerate(_BHEX_DEMO_ACCOUNTS):
        subs.append(SubAccount("bhex", BHEX_DEMO_USER_ID, account_type, index,
                               str(476682884348973312 + offset * 6016825543), name))
    for n, user_id in enumerate(BHEX_OTHER_USER_IDS):
        subs.append(SubAccount("bhex", user_id, "1", 0, str(476682884348973400 + n), "Main"))
    return subs


def _bhex_accounts(rng: random.Random, now_ms: int) -> list[AccountRow]:
    rows = [AccountRow(venue="bhex", user_id=BHEX_DEMO_USER_ID, account_type=account_type,
                       account_index=index, coin=token, available=_d(free), frozen=_d(frozen),
                       lockup=_d(lockup), updated_ms=now_ms)
            for account_type, index, _, tokens in _BHEX_DEMO_ACCOUNTS
            for token, free, frozen, lockup in tokens]
    for user_id in BHEX_OTHER_USER_IDS:
        rows += [AccountRow(venue="bhex", user_id=user_id, account_type="1", coin=token,
                            available=_amount(rng, places=18), updated_ms=now_ms)
                 for token in ("BTC", "USDT")]
    return rows


_CHAINUP_DOC_USERS: dict[str, list[tuple[str, str, str]]] = {
    # uid -> [(type code, coin, balance)] taken from the document's examples
    CHAINUP_DEMO_UID: [("201", "USDT", "8999.0000000014483515"),
                       ("202", "USDT", "0.0000000000000189"),
                       ("201", "DOGE", "207488.14138893953"),
                       ("202", "DOGE", "0"),
                       ("201", "BTC", "0.0915880941"),
                       ("202", "BTC", "0.0000001857237467"),
                       ("217", "USDT", "151468.49153863153"),
                       ("218", "USDT", "77.35999698"),
                       ("230", "ETH", "0.70201757596")],
    "23998236": [("201", "USDT", "998825158.8059704902041369"),
                 ("201", "DOGE", "9989877135.2712837511")],
    "23998561": [("201", "BTC", "85.961708603828")],
    "24004287": [("201", "BTC", "0.0915880941")],
    # the first example's users hold the broker's own coins, shown as BTC / USDT
    "27439504": [("201", "USDT1658", "149555114.0139600009053943"), ("202", "USDT1658", "0"),
                 ("201", "BTC1658", "10095008.730246425"), ("202", "BTC1658", "0")],
    "32257848": [("201", "USDT1658", "151468.49153863153"),
                 ("202", "USDT1658", "186894.11490767"),
                 ("201", "BTC1658", "0.70201757596"), ("202", "BTC1658", "0.421404")],
}

_CHAINUP_DOC_COIN_CODES = {"BTC1658": "11127", "USDT1658": "11128"}
"""The first example's coins and their type suffixes (``20111127``: normal BTC1658)."""

CHAINUP_SHOW_NAMES = {"BTC1658": "BTC", "USDT1658": "USDT"}
"""``showName`` (the document's "币种展示名") where it differs from ``coin``, as in the
document's first example; every other coin is shown by its own name."""

CHAINUP_USERS = 400
"""How many users the demo ChainUp org has (the document's users included)."""


def _chainup_coin_code(coin: str) -> str:
    return _CHAINUP_DOC_COIN_CODES.get(coin) or _CHAINUP_COIN_CODES[coin]


def _chainup_accounts(rng: random.Random, now_ms: int) -> list[AccountRow]:
    """Several hundred users with several accounts each; updates spread over the last 23 hours on a
    few hundred whole-second instants, so many rows share one ``updateTime``."""
    start = now_ms - now_ms % 1000 - 23 * 3600 * 1000
    instants = sorted(start + rng.randrange(0, 23 * 3600) * 1000 for _ in range(400))
    uids = {str(uid) for uid in rng.sample(range(23990000, 32300000),
                                           CHAINUP_USERS - len(_CHAINUP_DOC_USERS))}
    uids.update(_CHAINUP_DOC_USERS)
    order = sorted(uids)
    rng.shuffle(order)
    rows: list[AccountRow] = []
    next_id = 335306053
    for uid in order:
        user_instant = rng.choice(instants)
        for code, coin, balance in _CHAINUP_DOC_USERS.get(uid) or _random_chainup_user(rng):
            updated = user_instant if rng.random() < 0.8 else rng.choice(instants)  # float-ok
            rows.append(AccountRow(id=next_id, venue="chainup", user_id=uid,
                                   account_type=code + _chainup_coin_code(coin), coin=coin,
                                   available=Decimal(balance), updated_ms=updated))
            next_id += rng.randrange(1, 50)
    return rows


def _random_chainup_user(rng: random.Random) -> list[tuple[str, str, str]]:
    accounts = []
    for coin in rng.sample(sorted(_CHAINUP_COIN_CODES), rng.randint(1, 3)):
        accounts.append(("201", coin, str(_amount(rng))))
        accounts.append(("202", coin, str(_amount(rng, zero_chance=0.6))))  # float-ok
        for codes in _CHAINUP_EXTRA_TYPES:
            if rng.random() < 0.06:  # float-ok: probability
                accounts += [(code, coin, str(_amount(rng))) for code in codes]
    return accounts


def _amount(rng: random.Random, *, places: int | None = None,
            zero_chance: float = 0.1) -> Decimal:  # float-ok: probability
    """A random exact amount with up to 10 integer digits and ``places`` decimals."""
    if rng.random() < zero_chance:  # float-ok: probability
        return Decimal(0)
    scale = rng.randint(0, 16) if places is None else places
    digits = rng.randint(1, 10) + scale
    return Decimal(rng.randrange(1, 10 ** digits)).scaleb(-scale)
