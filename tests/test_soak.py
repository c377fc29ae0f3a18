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


def test_process_soak_small_run_doubles_loses_and_crashes_nothing():
    """Six CLI transfer processes (two at once) against a served sandbox that drops 30%
    of write replies, a settle loop beside them, a third of them SIGKILLed: nothing is
    doubled or lost, no settle crashes, no live entry is touched by another process."""
    from bench.soak_processes import run_process_soak

    result = run_process_soak(6, processes=2, latency_ms=200, drop=0.3, kill_share=0.34,
                              seed=3)
    assert result.problems == [] and result.crashed_settles == []
    assert result.transfer_crashes == [] and result.live_touched == []
    assert result.doubled == 0 and result.lost == 0
    assert result.settle_runs >= 2 and result.applied >= 1
