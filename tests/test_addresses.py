"""Address checksums against the specifications' test vectors (BIP 173, BIP 350,
EIP-55) and through the move validation (issue 12)."""

from __future__ import annotations

import pytest

from tui.core.addresses import (base58check_ok, bech32_ok, bitcoin_address_ok,
                                case_insensitive, eip55_ok, keccak256)
from tui.core.validation import check_address

# BIP 173 / BIP 350 valid mainnet segwit addresses.
VALID_SEGWIT = [
    "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
    "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
    "BC1SW50QGDZ25J",
    "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs",
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
    "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
]
INVALID_SEGWIT = [
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",  # checksum
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",  # v1 with bech32
    "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",  # v16 with bech32
    "bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du",  # v2 with bech32
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xW7kv8f3t4",  # mixed case
    "bc1rw5uspcuh",  # program too short
    "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx",  # testnet
]


@pytest.mark.parametrize("address", VALID_SEGWIT)
def test_valid_segwit(address: str) -> None:
    assert bech32_ok(address) and bitcoin_address_ok(address)


@pytest.mark.parametrize("address", INVALID_SEGWIT)
def test_invalid_segwit(address: str) -> None:
    assert not bech32_ok(address)


def test_base58check() -> None:
    assert base58check_ok("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2")
    assert base58check_ok("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy")
    assert base58check_ok("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")
    assert not base58check_ok("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3")  # one character off
    assert not base58check_ok("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNV0")  # 0 is not base58


def test_keccak256_vectors() -> None:
    assert keccak256(b"").hex() == \
        "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    assert keccak256(b"abc").hex() == \
        "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"
    assert len(keccak256(b"x" * 300)) == 32


EIP55_VALID = [
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    "0x52908400098527886E0F7030069857D2E4169EE7",
    "0xde709f2102306220921060314715629080e2fb77",
]


@pytest.mark.parametrize("address", EIP55_VALID)
def test_eip55_valid(address: str) -> None:
    assert eip55_ok(address)


def test_eip55_one_wrong_case_fails() -> None:
    assert not eip55_ok("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD")


def test_move_validation_uses_checksums() -> None:
    assert check_address("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "Bitcoin") == []
    assert check_address("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdr", "Bitcoin")
    assert check_address("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "BTC") == []
    assert check_address("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3", "BTC")
    assert check_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "ERC20") == []
    problems = check_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", "ERC20")
    assert problems and "checksum" in problems[0].message


def test_case_insensitive_encodings() -> None:
    assert case_insensitive("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq")
    assert case_insensitive("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
    assert not case_insensitive("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2")


def test_last_four_compare_case_insensitively_only_where_the_encoding_does() -> None:
    from tui.core.addresses import tail_matches

    assert tail_matches("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "5MDQ")
    assert tail_matches("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "EAED")
    assert tail_matches("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "aNVN2"[1:])
    assert not tail_matches("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "anvn2"[1:])
    assert not tail_matches("TJmW5D1p1LnMdTMmxuY1VELHht7v5HV7rU", "v7ru")


def test_cli_tail_is_exact_for_base58() -> None:
    from test_cli_moves import TRC20, invoke

    args = ["withdraw", "--demo", "--profile", "bitunix-demo", "--coin", "USDT",
            "--amount", "10", *TRC20]
    assert invoke(*args, input="v7ru\n").exit_code == 1
