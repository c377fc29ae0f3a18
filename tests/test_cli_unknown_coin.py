"""Issue 12 (CLI): `withdraw --coin NOPE` said "more than the 0 NOPE available … use max"
(or "coin: The venue lists no coin"); it names the profile and lists the coins it holds."""

from __future__ import annotations

import pytest
from test_cli_vault import run


@pytest.mark.parametrize("args", [
    ("withdraw", "--address", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"),
    ("send", "--to-uid", "12345"),
    ("transfer", "--from", "asset_center", "--to", "spot"),
])
def test_an_unknown_coin_names_the_profile_and_its_coins(args) -> None:
    result = run(args[0], "--demo", "--profile", "fcoin-demo", "--coin", "NOPE",
                 "--amount", "1", *args[1:])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    line = lines[0]
    assert "coin NOPE is unknown on profile fcoin-demo (fcoin)" in line
    assert "its coins: BTC, ETH, FT" in line and "USDT" in line
    assert "available" not in line and "max" not in line
