"""Fault soak: 300 mixed requests with 25% commit-then-drop and 10% HTTP 500 replies.

After settling: every KEYED request is applied exactly once, every LOOKUP request exactly
once or (refused before acting) not at all with the journal saying REJECTED, no NONE
request is applied twice, and the journal agrees with the sandbox ledger."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.soak import run_soak  # noqa: E402


def test_soak_300_mixed_requests_settle_exactly_once(tmp_path):
    result = asyncio.run(run_soak(300, drop_rate=0.25, error_rate=0.10,
                                  journal_path=tmp_path / "journal.sqlite"))
    assert result.requests == 300
    assert result.problems == []
    assert result.duplicated == 0 and result.lost == 0
    keyed = result.by_settlement["keyed"]
    assert set(keyed) == {"ACCEPTED/1"} and sum(keyed.values()) == 175
    lookup = result.by_settlement["lookup"]
    assert set(lookup) <= {"ACCEPTED/1", "REJECTED/0"} and sum(lookup.values()) == 50
    none = result.by_settlement["none"]
    assert set(none) <= {"ACCEPTED/1", "REJECTED/0", "UNKNOWN/0", "UNKNOWN/1"}
    # The faults really happened: some outcomes were unknown and had to be settled.
    assert result.settle_rounds >= 1 and result.left_for_operator > 0
