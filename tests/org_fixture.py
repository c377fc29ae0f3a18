"""A holdings store of generated ChainUp rows, built straight from the generated org (the
HTTP path is tested in test_org_sync.py) and shared by the tests that read it."""

from __future__ import annotations

from pathlib import Path

from tui.sandbox.chainup_org import GeneratedOrg
from tui.stores.org_holdings import HoldingsStore
from tui.venues.chainup_org_sync import holding_rows

NOW_MS = 1_764_000_000_000


def build_store(path: Path, users: int, seed: int = 1) -> HoldingsStore:
    """``users`` x 4 rows of the generated org (seed ``seed``) in a new store at ``path``."""
    org = GeneratedOrg(users, seed=seed, clock_ms=lambda: NOW_MS)
    store = HoldingsStore.open(path)
    store.begin_bulk()
    cursor = 0
    while True:
        page = org.after_id(cursor, 1000)
        if not page:
            break
        cursor = int(page[-1]["id"])
        store.merge(holding_rows(page), {"cursor": cursor})
    store.end_bulk()
    return store
