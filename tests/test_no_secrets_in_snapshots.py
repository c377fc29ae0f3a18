"""No snapshot baseline ever carries a key, a secret or a trade password."""

from pathlib import Path

import pytest

from tui.sandbox import DEMO_PROFILES
from tui.sandbox.demo_money import DEMO_TRADE_PASSWORD

SNAPSHOTS = sorted((Path(__file__).parent / "__snapshots__").rglob("*.svg"))
SECRETS = {f"{d.name} secret": d.secret for d in DEMO_PROFILES}
SECRETS |= {f"{d.name} api key": d.api_key for d in DEMO_PROFILES}
SECRETS["demo trade password"] = DEMO_TRADE_PASSWORD


def test_there_are_snapshots_to_check() -> None:
    assert len(SNAPSHOTS) >= 10


@pytest.mark.parametrize("svg", SNAPSHOTS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_snapshot_holds_no_secret(svg: Path) -> None:
    text = svg.read_text(encoding="utf-8")
    leaked = [what for what, value in SECRETS.items() if value and value in text]
    assert not leaked, f"{svg.name} shows {', '.join(leaked)}"
