"""The ChainUp snapshot store: rows kept exactly as sent, per org key, indexed by uid,
replaced or merged in one transaction, streamed without loading the org; an unreadable
file is moved aside; nothing in it is a key or a secret."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from decimal import Decimal
from pathlib import Path

import pytest

from tui.venues import chainup_store
from tui.venues.chainup_store import ChainupStore, OrgMeta, default_path, org_key

ORG = org_key("https://chainup.example/chainup", "app-key-0123456789")
OTHER = org_key("https://chainup.example/chainup", "another-app-key")
META = OrgMeta(newest_update_ms=1_750_000_000_000, full_pull_ms=1_750_000_100_000,
               synced_ms=1_750_000_100_000)


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A private COINSOLE_HOME."""
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path))
    return tmp_path


@pytest.fixture
def store(home):
    """The default on-disk store under ``home``."""
    opened = ChainupStore.open()
    yield opened
    opened.close()


def row(id_: int, uid: str, balance: str, update_time: int = 1_750_000_000_000,
        coin: str = "USDT", type_: str = "201001") -> dict:
    """An account row shaped as the venue sends it."""
    return {"id": str(id_), "uid": uid, "coin": coin.lower(), "showName": coin, "type": type_,
            "balance": balance, "updateTime": str(update_time)}


def test_the_file_lives_in_the_cache_dir_private_and_in_wal_mode(home, store):
    assert default_path() == home / "cache" / "chainup.sqlite"
    assert store.path == default_path()
    assert os.stat(home / "cache").st_mode & 0o777 == 0o700
    assert os.stat(store.path).st_mode & 0o777 == 0o600
    with closing(sqlite3.connect(store.path)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_org_key_is_a_digest_of_base_url_and_app_key():
    assert len(ORG) == 64 and int(ORG, 16) >= 0
    assert "app-key" not in ORG
    assert org_key("https://chainup.example/chainup/", "app-key-0123456789") == ORG
    assert org_key("https://other.example/chainup", "app-key-0123456789") != ORG
    assert OTHER != ORG


def test_rows_round_trip_exactly_with_their_meta(store):
    rows = [row(1, "7", "1.000000000000000000"), row(2, "7", "149555114.0139600009053943"),
            row(3, "8", "0E-18")]
    assert store.load(ORG) is None
    store.replace_all(ORG, rows, META)
    snapshot = store.load(ORG)
    assert snapshot is not None
    assert snapshot.meta == META
    assert snapshot.rows == rows
    assert store.meta(OTHER) is None


def test_wire_numbers_are_stored_as_their_exact_text(store):
    store.replace_all(ORG, [{"id": 5, "uid": 7, "coin": "btc", "showName": "BTC",
                             "type": "201001", "balance": Decimal("0.10"),
                             "updateTime": 1_750_000_000_000}], META)
    [stored] = store.user_rows(ORG, "7")
    assert stored["balance"] == "0.10" and stored["id"] == "5"
    with pytest.raises(ValueError):
        store.upsert(ORG, [row(6, "7", "1") | {"balance": 0.1}], META)  # float-ok: refused
    with pytest.raises(ValueError):
        store.upsert(ORG, [row(6, "7", "one")], META)


def test_upsert_merges_by_id_and_replace_all_replaces(store):
    store.replace_all(ORG, [row(1, "7", "1"), row(2, "7", "2")], META)
    store.replace_all(OTHER, [row(1, "9", "9")], META)
    later = OrgMeta(META.newest_update_ms + 5, META.full_pull_ms, META.synced_ms + 60_000)
    store.upsert(ORG, [row(2, "7", "2.5", META.newest_update_ms + 5), row(3, "8", "3")], later)
    assert {r["id"]: r["balance"] for r in store.load(ORG).rows} == {"1": "1", "2": "2.5", "3": "3"}
    assert store.meta(ORG) == later

    store.replace_all(ORG, [row(4, "7", "4")], META)
    assert [r["id"] for r in store.load(ORG).rows] == ["4"]
    assert store.count(OTHER) == 1  # another org is untouched

    store.clear(ORG)
    assert store.load(ORG) is None and store.count(ORG) == 0
    assert store.count(OTHER) == 1


def test_a_bad_row_leaves_the_snapshot_as_it_was(store):
    store.replace_all(ORG, [row(1, "7", "1")], META)
    with pytest.raises(ValueError):
        store.replace_all(ORG, [row(2, "7", "2"), row(3, "7", "not a number")], META)
    with pytest.raises(KeyError):
        store.upsert(ORG, [row(2, "7", "2"), {"id": "3"}], META)
    assert [r["id"] for r in store.load(ORG).rows] == ["1"]


def test_one_users_rows_are_read_by_the_uid_index(store):
    store.replace_all(ORG, [row(i, str(i % 5), "1") for i in range(1, 51)], META)
    assert [r["id"] for r in store.user_rows(ORG, "3")] == sorted(
        str(i) for i in range(1, 51) if i % 5 == 3)
    assert len(store.coin_rows(ORG, "usdt")) == 50 and store.coin_rows(ORG, "btc") == []
    with closing(sqlite3.connect(store.path)) as db:
        for sql, index in ((chainup_store.USER_ROWS_SQL, "accounts_by_uid"),
                           (chainup_store.COIN_ROWS_SQL, "accounts_by_coin")):
            plan = " ".join(str(step) for step in db.execute(
                f"EXPLAIN QUERY PLAN {sql}", (ORG, "3")))
            assert f"USING INDEX {index}" in plan and "TEMP B-TREE" not in plan, plan


def test_streaming_reads_the_org_in_chunks(store, monkeypatch):
    monkeypatch.setattr(chainup_store, "CHUNK", 7)
    rows = [row(i, str(100 + i % 4), f"{i}.5") for i in range(1, 31)]
    store.replace_all(ORG, rows, META)
    streamed = list(store.iter_rows(ORG))
    assert sorted(r["id"] for r in streamed) == sorted(r["id"] for r in rows)
    by_uid = list(store.iter_rows(ORG, by_uid=True))
    assert [r["uid"] for r in by_uid] == sorted(r["uid"] for r in rows)
    assert len({r["id"] for r in by_uid}) == 30


def test_an_unreadable_file_is_moved_aside_and_a_fresh_one_made(home):
    path = default_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"garbage" * 1000)
    store = ChainupStore.open()
    try:
        assert store.quarantined is not None
        assert store.quarantined.name.startswith("chainup.sqlite.corrupt-")
        assert store.quarantined.read_bytes() == b"garbage" * 1000
        store.replace_all(ORG, [row(1, "7", "1")], META)
        assert store.count(ORG) == 1
    finally:
        store.close()


def test_a_file_from_another_schema_version_is_moved_aside(home):
    path = default_path()
    path.parent.mkdir(parents=True)
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA user_version = 99")
        db.commit()
    store = ChainupStore.open()
    try:
        assert store.quarantined is not None
        assert store.meta(ORG) is None
    finally:
        store.close()


def test_the_file_holds_no_key_material(home):
    app_key, secret = "app-key-0123456789", "secret-9876543210"
    store = ChainupStore.open()
    store.replace_all(org_key("https://chainup.example/chainup", app_key),
                      [row(1, "7", "1")], META)
    store.close()
    for path in (home / "cache").iterdir():
        data = path.read_bytes()
        assert app_key.encode() not in data and secret.encode() not in data


def test_a_memory_store_keeps_nothing_on_disk(home):
    store = ChainupStore.memory()
    store.replace_all(ORG, [row(1, "7", "1")], META)
    assert store.path is None and store.count(ORG) == 1
    store.close()
    assert not (home / "cache").exists()
