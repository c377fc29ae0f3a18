"""Demo data for moving money: precisions, fees, networks, whitelisted addresses, the
trade password, internal-transfer recipients and seeded deposit history.

Re-exported by :mod:`tui.sandbox.demo`; tests and the demo use these as plain data.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal

__all__ = [
    "WithdrawAddress", "DEMO_WITHDRAW_ADDRESSES", "DEMO_TRADE_PASSWORD",
    "FCOIN_PRECISION", "FCOIN_CURRENCY_IDS",
    "BitunixNetwork", "BITUNIX_PRECISION", "BITUNIX_NETWORKS", "BitunixUser", "BITUNIX_USERS",
    "BITUNIX_FUTURES", "BITUNIX_DEPOSIT_ADDRESSES", "BITUNIX_DEPOSITS",
    "BhexWithdrawRule", "BHEX_WITHDRAW_RULES", "whitelisted",
]

D = Decimal

DEMO_TRADE_PASSWORD = "coinsole-demo-2468"
"""The BHEX demo users' trade (funds) password; ``withdraw`` takes its MD5 hex."""

# -- fcoin ------------------------------------------------------------------------------

FCOIN_PRECISION = {"BTC": 8, "ETH": 18, "USDT": 18, "USDS": 6, "FT": 2}
"""FCoin: decimals allowed in a transfer amount per currency (1002 beyond)."""

FCOIN_CURRENCY_IDS = {"BTC": 100, "ETH": 101, "USDS": 102, "FT": 103, "USDT": 105}
"""FCoin's ``currencyId`` per currency (BTC 100 and USDT 105 as in the document)."""

# -- bitunix ----------------------------------------------------------------------------

BITUNIX_PRECISION = {"USDT": 6, "BTC": 8, "ETH": 18, "TRX": 6}
"""Bitunix: decimals allowed in an amount per coin (110004 beyond)."""


@dataclass(frozen=True)
class BitunixNetwork:
    """A coin's withdrawal network: fixed fee (``amount - fee = arrival``), memo rule."""

    coin: str
    network: str
    fee: Decimal
    needs_memo: bool = False


BITUNIX_NETWORKS = (
    BitunixNetwork("USDT", "Tron (TRC-20)", D("1")),
    BitunixNetwork("USDT", "Ethereum (ERC-20)", D("4.5")),
    BitunixNetwork("USDT", "EOS", D("0.5"), needs_memo=True),
    BitunixNetwork("TRX", "Tron (TRC-20)", D("1")),
    BitunixNetwork("BTC", "Bitcoin", D("0.0002")),
    BitunixNetwork("ETH", "Ethereum (ERC-20)", D("0.002")),
)
"""Bitunix withdrawal networks; USDT on EOS needs a memo."""


@dataclass(frozen=True)
class BitunixUser:
    """A Bitunix user an internal transfer can reach by uid, phone or email."""

    uid: str
    phone_country_code: str
    phone_number: str
    email: str


BITUNIX_USERS = (
    BitunixUser("681979174", "86", "13800138000", "demo@coinsole.test"),
    BitunixUser("989541187", "86", "13912345678", "alice@coinsole.test"),
    BitunixUser("702345118", "1", "4155550123", "bob@coinsole.test"),
    BitunixUser("815500042", "44", "7700900123", "carol@coinsole.test"),
)
"""Bitunix demo users (the first is the demo key's owner); anyone else is unknown (110010)."""

BITUNIX_FUTURES = (("USDT", "500.25"), ("BTC", "0.002"))
"""The Bitunix demo user's futures account (``funds_transfer`` moves to and from it)."""

BITUNIX_DEPOSIT_ADDRESSES = {
    ("USDT", "Tron (TRC-20)"): (("TPKhSAEy84qvpomF5wF7h5ih1WmbmupXor", None),
                                ("TXb7CqkPb3Uq2PhqWmYkVyMfdSyqW3Bx4C", None)),
    ("USDT", "Ethereum (ERC-20)"): (("0x3f5CE5FBFe3E9af3971dD833D26bA9b5C936f0bE", None),),
    ("USDT", "EOS"): (("bitunixdepos", "681979174"),),
    ("TRX", "Tron (TRC-20)"): (("TPKhSAEy84qvpomF5wF7h5ih1WmbmupXor", None),),
    ("BTC", "Bitcoin"): (("bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh", None),),
    ("ETH", "Ethereum (ERC-20)"): (("0x3f5CE5FBFe3E9af3971dD833D26bA9b5C936f0bE", None),),
}
"""The Bitunix demo user's deposit addresses per (coin, network): (address, memo)."""

BITUNIX_DEPOSITS = (
    # id, type, coin, network, from, to, amount, days ago, hash seed
    ("487067", "deposit", "USDT", "Tron (TRC-20)", "TB73gtW1hsTxxA9XUYKLSJKTSHw6Jk53eH",
     "TPKhSAEy84qvpomF5wF7h5ih1WmbmupXor", "1000.00000000", 14),
    ("487311", "deposit", "TRX", "Tron (TRC-20)", "TB73gtW1hsTxxA9XUYKLSJKTSHw6Jk53eH",
     "TPKhSAEy84qvpomF5wF7h5ih1WmbmupXor", "20.00000000", 9),
    ("487502", "deposit", "ETH", "Ethereum (ERC-20)", "0x71C7656EC7ab88b098defB751B7401B5f6d8976F",
     "0x3f5CE5FBFe3E9af3971dD833D26bA9b5C936f0bE", "1.20450000", 6),
    ("1909903532977074178", "inside_transfer_in", "USDT", None, "989541187", "681979174",
     "10.00000000", 3),
    ("1909903708907155457", "inside_transfer_in", "USDT", None, "989541187", "681979174",
     "10.00000000", 2),
    ("487988", "deposit", "BTC", "Bitcoin", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
     "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh", "0.01893021", 1),
)
"""Seeded Bitunix deposit history of the demo user (``deposit/page``), all ``success``."""

# -- bhex -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BhexWithdrawRule:
    """A BHEX token's withdrawal rules, as ``withdraw/quota_info`` reports them.

    Fees are in ``fee_token``; ``convert_rate`` is withdrawn token per fee token (1 when
    they are the same). Above ``audit_above`` a withdrawal needs broker audit.
    """

    token: str
    precision: int
    min_quantity: Decimal
    day_quota: Decimal
    fee_token: str
    platform_fee: Decimal
    broker_fee: Decimal
    miner_fee_token: str
    min_miner_fee: Decimal
    max_miner_fee: Decimal
    suggest_miner_fee: Decimal
    convert_rate: Decimal
    audit_above: Decimal
    need_tag: bool = False
    deposit_min: Decimal = D("0.001")
    confirmations: int = 1


BHEX_WITHDRAW_RULES = {
    "BTC": BhexWithdrawRule("BTC", 8, D("0.001"), D("2"), "BTC", D("0.0002"), D("0.0003"),
                            "BTC", D("0.00005"), D("0.0005"), D("0.0001"), D("1"), D("0.1")),
    "ETH": BhexWithdrawRule("ETH", 8, D("0.01"), D("50"), "ETH", D("0.001"), D("0.001"),
                            "ETH", D("0.0005"), D("0.005"), D("0.001"), D("1"), D("2"),
                            confirmations=12),
    "USDT": BhexWithdrawRule("USDT", 6, D("10"), D("100000"), "ETH", D("0.0005"), D("0.0005"),
                             "ETH", D("0.0005"), D("0.002"), D("0.001"), D("3000"), D("500"),
                             deposit_min=D("1"), confirmations=12),
    "AT": BhexWithdrawRule("AT", 2, D("10"), D("5000"), "AT", D("0.5"), D("0.5"),
                           "AT", D("0"), D("0"), D("0"), D("1"), D("1000"), need_tag=True,
                           deposit_min=D("1")),
}
"""BHEX withdrawal rules per token: AT needs an address tag; USDT's fees are in ETH
(``needConvert``, 3000 USDT per ETH)."""


@dataclass(frozen=True)
class WithdrawAddress:
    """A whitelisted withdrawal address; ``outcome`` marks BHEX demo addresses that fail
    (``broker_reject`` -> 2, ``audit_reject`` -> 4, ``chain_fail`` -> 7), None succeeds."""

    venue: str
    coin: str
    network: str
    address: str
    memo: str | None = None
    outcome: str | None = None


DEMO_WITHDRAW_ADDRESSES = (
    WithdrawAddress("bitunix", "USDT", "Tron (TRC-20)", "TJmW5D1p1LnMdTMmxuY1VELHht7v5HV7rU"),
    WithdrawAddress("bitunix", "USDT", "Tron (TRC-20)", "TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE"),
    WithdrawAddress("bitunix", "USDT", "Ethereum (ERC-20)",
                    "0x0E6c27D61a6052a8f1E26741DA277F6fF48e5cE9"),
    WithdrawAddress("bitunix", "USDT", "EOS", "coinsoledemo", memo="20261125"),
    WithdrawAddress("bitunix", "TRX", "Tron (TRC-20)", "TJmW5D1p1LnMdTMmxuY1VELHht7v5HV7rU"),
    WithdrawAddress("bitunix", "BTC", "Bitcoin", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"),
    WithdrawAddress("bitunix", "ETH", "Ethereum (ERC-20)",
                    "0x0E6c27D61a6052a8f1E26741DA277F6fF48e5cE9"),
    WithdrawAddress("bhex", "BTC", "", "1GHquiYANN9JjqySWxncvn88nQ8pp8pdBe"),
    WithdrawAddress("bhex", "BTC", "", "bc1qbrokerreject0000000000000000000000000",
                    outcome="broker_reject"),
    WithdrawAddress("bhex", "ETH", "", "0x0E6c27D61a6052a8f1E26741DA277F6fF48e5cE9"),
    WithdrawAddress("bhex", "USDT", "", "0x0E6c27D61a6052a8f1E26741DA277F6fF48e5cE9"),
    WithdrawAddress("bhex", "USDT", "", "0xAudit0Reject0000000000000000000000000000",
                    outcome="audit_reject"),
    WithdrawAddress("bhex", "USDT", "", "0xChain0Fail00000000000000000000000000000",
                    outcome="chain_fail"),
    WithdrawAddress("bhex", "AT", "", "coinsoledemo", memo="482698709891649536"),
)
"""Whitelisted withdrawal addresses per venue, coin and network (BHEX: network ``""``).
Anything else is refused (bitunix 110008, bhex -1141)."""


def whitelisted(venue: str, coin: str, network: str, address: str) -> WithdrawAddress | None:
    """The whitelisted entry for ``address``, or None."""
    for entry in DEMO_WITHDRAW_ADDRESSES:
        if (entry.venue, entry.coin, entry.network, entry.address) == (venue, coin, network,
                                                                       address):
            return entry
    return None


def fake_hash(*parts: str) -> str:
    """A deterministic transaction hash for demo records."""
    return hashlib.sha256(":".join(parts).encode()).hexdigest()
