"""SQLite ApprovalStore: versioned schema (PRAGMA user_version), file mode 0600, exactly-once
claim, and a change feed (:meth:`SqliteStore.watch`: ``PRAGMA data_version`` polled on a
connection of its own, so a vote cast by another process shows at once)."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Callable, Sequence

from . import audit
from .operators import Signed, Statement
from .store import PAGE_ORDER, Change, PendingVotes, Row

SCHEMA_VERSION = 2
_SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (id TEXT PRIMARY KEY, request_json TEXT NOT NULL,
  request_hash TEXT NOT NULL, policy_hash TEXT NOT NULL, initiator TEXT NOT NULL,
  state TEXT NOT NULL, proposed_ms INTEGER NOT NULL, outcome TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS signatures (request_id TEXT NOT NULL, statement TEXT NOT NULL,
  signature TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit (seq INTEGER PRIMARY KEY, record TEXT NOT NULL);
"""
_INDEXES = """
CREATE INDEX IF NOT EXISTS requests_queue ON requests (state, proposed_ms, id);
CREATE INDEX IF NOT EXISTS requests_initiator ON requests (initiator, state, proposed_ms, id);
CREATE INDEX IF NOT EXISTS signatures_request ON signatures (request_id);
"""
"""Schema 2: the indexes a queue read a page at a time needs."""


class SqliteStore:
    """The default single-operator store in the data directory."""

    def __init__(self, path: str):
        if path != ":memory:" and not os.path.exists(path):
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        if path != ":memory:":
            os.chmod(path, 0o600)
        self._db = sqlite3.connect(path, timeout=30, isolation_level=None)
        self._db.execute("PRAGMA busy_timeout=30000")
        v = self._db.execute("PRAGMA user_version").fetchone()[0]
        if v > SCHEMA_VERSION:
            raise RuntimeError(f"approvals store schema {v} is newer than this coinsole; upgrade it")
        if v < SCHEMA_VERSION:
            self._db.executescript("BEGIN IMMEDIATE;" + _SCHEMA + _INDEXES
                                   + f"PRAGMA user_version={SCHEMA_VERSION}; COMMIT;")
        self.path = path

    def close(self) -> None:
        self._db.close()

    def propose(self, row: Row) -> None:
        self._db.execute("INSERT INTO requests VALUES (?,?,?,?,?,?,?,?)",
                         (row.id, row.request_json, row.request_hash, row.policy_hash,
                          row.initiator, row.state, row.proposed_ms, row.outcome))

    def add_signature(self, request_id: str, s: Signed) -> None:
        st = s.statement
        self._db.execute("INSERT INTO signatures VALUES (?,?,?)", (request_id, json.dumps(
            [st.request_hash, st.decision, st.operator, st.time_ms, st.policy_hash, st.reason]),
            s.signature.hex()))

    def signatures(self, request_id: str) -> list[Signed]:
        rows = self._db.execute("SELECT statement, signature FROM signatures WHERE request_id=?",
                                (request_id,)).fetchall()
        return [Signed(Statement(*json.loads(a)), bytes.fromhex(b)) for a, b in rows]

    def signatures_many(self) -> dict[str, list[Signed]]:
        """Every stored statement by request id, in one query (for listing a long queue)."""
        out: dict[str, list[Signed]] = {}
        for rid, a, b in self._db.execute("SELECT request_id, statement, signature FROM signatures"):
            out.setdefault(rid, []).append(Signed(Statement(*json.loads(a)), bytes.fromhex(b)))
        return out

    def get(self, request_id: str) -> Row | None:
        r = self._db.execute("SELECT * FROM requests WHERE id=?", (request_id,)).fetchone()
        return Row(*r) if r else None

    def list(self, state: str | None = None) -> list[Row]:
        q, a = (f"SELECT * FROM requests WHERE state=? {PAGE_ORDER}", (state,)) if state \
            else (f"SELECT * FROM requests {PAGE_ORDER}", ())
        return [Row(*r) for r in self._db.execute(q, a)]

    def set_state(self, request_id: str, state: str, expected: str) -> bool:
        cur = self._db.execute("UPDATE requests SET state=? WHERE id=? AND state=?",
                               (state, request_id, expected))
        return cur.rowcount == 1

    def claim_for_execution(self, request_id: str) -> bool:
        """Exactly one caller wins: one UPDATE guarded by state='APPROVED'."""
        return self.set_state(request_id, "EXECUTING", "APPROVED")

    def record_outcome(self, request_id: str, outcome: str) -> None:
        self._db.execute("UPDATE requests SET state='DONE', outcome=? WHERE id=? AND state='EXECUTING'",
                         (outcome, request_id))

    def audit_append(self, record: dict) -> dict:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            last = self._db.execute("SELECT record FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
            prev = json.loads(last[0])["hash"] if last else audit.GENESIS
            rec = audit.chain(prev, record)
            self._db.execute("INSERT INTO audit (record) VALUES (?)", (json.dumps(rec, sort_keys=True),))
            self._db.execute("COMMIT")
            return rec
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def audit_read(self) -> list[dict]:
        return [json.loads(r[0]) for r in self._db.execute("SELECT record FROM audit ORDER BY seq")]

    # a long queue, a page at a time ------------------------------------------------------

    @staticmethod
    def _where(states: Sequence[str], initiator: str | None) -> tuple[str, list]:
        where = f"state IN ({','.join('?' * len(states))})"
        args: list = list(states)
        if initiator is not None:
            where += " AND initiator=?"
            args.append(initiator)
        return where, args

    def count(self, states: Sequence[str], initiator: str | None = None) -> int:
        """How many requests are in ``states`` (proposed by ``initiator`` when given)."""
        where, args = self._where(states, initiator)
        return self._db.execute(f"SELECT count(*) FROM requests WHERE {where}", args).fetchone()[0]

    def page(self, states: Sequence[str], *, after: tuple[int, str] | None = None,
             limit: int = 100, initiator: str | None = None) -> list[Row]:
        """Up to ``limit`` requests in ``states``, oldest first, after the keyset ``after``
        (the (proposed_ms, id) of the last row of the previous page)."""
        where, args = self._where(states, initiator)
        if after is not None:
            where += " AND (proposed_ms, id) > (?, ?)"
            args += [after[0], after[1]]
        return [Row(*r) for r in self._db.execute(
            f"SELECT * FROM requests WHERE {where} {PAGE_ORDER} LIMIT ?", [*args, limit])]

    def signatures_for(self, ids: Sequence[str]) -> dict[str, list[Signed]]:
        """The stored statements of the requests ``ids`` (a page), by request id."""
        out: dict[str, list[Signed]] = {}
        ids = list(ids)
        for at in range(0, len(ids), 500):
            chunk = ids[at:at + 500]
            for rid, a, b in self._db.execute(
                    "SELECT request_id, statement, signature FROM signatures WHERE request_id "
                    f"IN ({','.join('?' * len(chunk))}) ORDER BY rowid", chunk):
                out.setdefault(rid, []).append(Signed(Statement(*json.loads(a)), bytes.fromhex(b)))
        return out

    def pending_votes(self, operator: str) -> list[PendingVotes]:
        """PENDING_APPROVAL requests ``operator`` has not signed, counted per quorum,
        self-approval flag and whether ``operator`` proposed them."""
        rows = self._db.execute(
            "SELECT json_extract(request_json, '$.meta.quorum'), "
            "coalesce(json_extract(request_json, '$.meta.self'), 0), initiator = ?, count(*) "
            "FROM requests r WHERE state = 'PENDING_APPROVAL' AND NOT EXISTS (SELECT 1 FROM "
            "signatures s WHERE s.request_id = r.id AND json_extract(s.statement, '$[2]') = ?) "
            "GROUP BY 1, 2, 3", (operator, operator))
        return [PendingVotes(q or "", bool(ok), bool(mine), n) for q, ok, mine, n in rows]

    def due_to_expire(self, now_ms: int) -> list[Row]:
        """PENDING_APPROVAL or APPROVED requests whose expiry is before ``now_ms``."""
        return [Row(*r) for r in self._db.execute(
            "SELECT * FROM requests WHERE state IN ('PENDING_APPROVAL', 'APPROVED') AND "
            "proposed_ms + coalesce(json_extract(request_json, '$.meta.expiry_ms'), 0) < ? "
            f"{PAGE_ORDER}", (now_ms,))]

    # live changes -----------------------------------------------------------------------

    def watch(self, callback: Callable[[Change], None],
              interval: float = 0.2) -> "SqliteWatcher":  # float-ok: seconds
        """Call ``callback(Change("changed"))`` from a background thread whenever any
        connection (another process, another operator on this machine, or this store)
        commits a change; returns the watcher (``stop()`` it when done). Watching starts
        before this returns, so no later change is missed."""
        w = SqliteWatcher(self.path, interval)
        w.start(callback)
        return w


class SqliteWatcher:
    """Polls ``PRAGMA data_version`` every ``interval`` seconds on a connection of its own:
    the number moves when any other connection commits to the file. One PRAGMA a poll, no
    table read. A file that cannot be read is reported once as ``unreachable``, then
    ``reconnected`` when it can be again."""

    def __init__(self, path: str, interval: float = 0.2) -> None:  # float-ok: seconds
        self.path = path
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._db: sqlite3.Connection | None = None
        self._last: int | None = None
        self._down = False
        if path != ":memory:":
            self._last = self._version()

    def _version(self) -> int | None:
        try:
            if self._db is None:
                self._db = sqlite3.connect(self.path, timeout=5, check_same_thread=False)
            return self._db.execute("PRAGMA data_version").fetchone()[0]
        except sqlite3.Error:
            if self._db is not None:
                self._db.close()
            self._db = None
            return None

    def poll(self) -> Change | None:
        """One look: a Change when the store changed (or its reachability did), else None."""
        if self.path == ":memory:":
            return None
        version = self._version()
        if version is None:
            if self._down:
                return None
            self._down = True
            return Change("unreachable", detail=f"approvals store {self.path} cannot be read; "
                                                "retrying")
        if self._down:
            self._down = False
            self._last = version
            return Change("reconnected", detail="approvals store readable again; reload")
        if version != self._last:
            self._last = version
            return Change("changed")
        return None

    def start(self, callback: Callable[[Change], None]) -> None:
        """Deliver changes to ``callback`` from a thread until :meth:`stop` (which the
        process's exit calls when nobody did: :mod:`.watch_thread`). ``callback`` must not
        block (the stop waits for it)."""
        from .watch_thread import start_watch_thread

        def loop() -> None:
            try:
                while not self._stop.wait(self.interval):
                    change = self.poll()
                    if change is not None:
                        callback(change)
            finally:
                if self._db is not None:
                    self._db.close()
                    self._db = None
        self._thread = start_watch_thread(self, loop, "coinsole-approvals-watch")

    def stop(self) -> None:
        """Stop watching and close the connection."""
        from .watch_thread import forget

        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(5)
        forget(self)
