"""The journal's storage: one SQLite file, every commit fsync'd, an append-only event log.

``entries`` holds one row per money-moving request (the request as JSON with amounts as
exact strings, never a secret); ``events`` records every change of state and every piece
of evidence, with its time and detail, and is never updated or deleted. Every state change
goes through :meth:`Journal.transition`, which checks :data:`~tui.journal.states.TRANSITIONS`
against the state on disk inside one write transaction.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.core.errors import CoinsoleError, ConfigError
from tui.core.actions import JournalRequest, parse_request
from tui.core.moves import MoveReceipt, Settlement
from tui.journal.states import EntryState, check_transition

__all__ = ["SCHEMA_VERSION", "JournalEntry", "JournalEvent", "Journal", "default_journal_path",
           "EntryNotFound", "now_ms"]

SCHEMA_VERSION = 1
"""The schema this code writes; stored in ``PRAGMA user_version``."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    created_ms     INTEGER NOT NULL,
    updated_ms     INTEGER NOT NULL,
    profile        TEXT NOT NULL,
    venue          TEXT NOT NULL,
    kind           TEXT NOT NULL,
    request_json   TEXT NOT NULL,
    client_key     TEXT NOT NULL UNIQUE,
    settlement     TEXT NOT NULL,
    state          TEXT NOT NULL,
    venue_ref      TEXT,
    receipt_json   TEXT,
    last_error     TEXT,
    attempts       INTEGER NOT NULL DEFAULT 0,
    first_sent_ms  INTEGER,
    last_sent_ms   INTEGER,
    needs_password INTEGER NOT NULL DEFAULT 0,
    note           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS entries_by_state ON entries (state, id);
CREATE TABLE IF NOT EXISTS events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    entry_id   INTEGER NOT NULL REFERENCES entries (id),
    at_ms      INTEGER NOT NULL,
    from_state TEXT,
    to_state   TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS events_by_entry ON events (entry_id, id);
CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'journal events are append-only'); END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'journal events are append-only'); END;
"""

_UNSET: Any = object()


def now_ms() -> int:
    """Wall-clock time in milliseconds."""
    return time.time_ns() // 1_000_000


def default_journal_path() -> Path:
    """``journal.sqlite`` in the data directory (under ``$COINSOLE_HOME`` when set)."""
    from tui.paths import app_paths

    paths = app_paths()
    return paths.ensure(paths.data_dir) / "journal.sqlite"


class EntryNotFound(CoinsoleError):
    """No journal entry has the id asked for."""


@dataclass(frozen=True)
class JournalEntry:
    """One money-moving request as the journal holds it (a snapshot; re-read to refresh).

    ``first_sent_ms`` is when the first send began (lookups search from there);
    ``needs_password`` records that the request was sent with a trade password, so a keyed
    resend needs it typed again; ``note`` is the latest human explanation (evidence found,
    why it is still unknown, the operator's word).
    """

    id: int
    created_ms: int
    updated_ms: int
    profile: str
    venue: str
    kind: str
    request: JournalRequest
    client_key: str
    settlement: Settlement
    state: EntryState
    venue_ref: str | None
    receipt: MoveReceipt | None
    last_error: str | None
    attempts: int
    first_sent_ms: int | None
    last_sent_ms: int | None
    needs_password: bool
    note: str

    def as_record(self) -> dict[str, Any]:
        """A JSON-ready dict (amounts as exact strings)."""
        return {
            "id": self.id,
            "created_ms": self.created_ms,
            "updated_ms": self.updated_ms,
            "profile": self.profile,
            "venue": self.venue,
            "kind": self.kind,
            "state": self.state.value,
            "settlement": self.settlement.value,
            "client_key": self.client_key,
            "venue_ref": self.venue_ref,
            "request": self.request.model_dump(mode="json"),
            "receipt": self.receipt.model_dump(mode="json") if self.receipt else None,
            "last_error": self.last_error,
            "attempts": self.attempts,
            "first_sent_ms": self.first_sent_ms,
            "last_sent_ms": self.last_sent_ms,
            "needs_password": self.needs_password,
            "note": self.note,
        }


@dataclass(frozen=True)
class JournalEvent:
    """One line of an entry's history: a state change, or evidence (same state twice)."""

    id: int
    entry_id: int
    at_ms: int
    from_state: EntryState | None
    to_state: EntryState
    detail: str

    def as_record(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {"id": self.id, "entry_id": self.entry_id, "at_ms": self.at_ms,
                "from_state": self.from_state.value if self.from_state else None,
                "to_state": self.to_state.value, "detail": self.detail}


class Journal:
    """The durable record of every money-moving request (see the module docstring).

    ``path`` defaults to :func:`default_journal_path`; ``":memory:"`` is for tests. Safe
    to open from several processes: each write is one ``BEGIN IMMEDIATE`` transaction.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = str(path if path is not None else default_journal_path())
        self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
        self._db.row_factory = sqlite3.Row
        if self.path != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA foreign_keys=ON")
        with self._write():
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise ConfigError(
                    f"the journal at {self.path} has schema {version}, newer than this "
                    f"coinsole understands ({SCHEMA_VERSION}); upgrade coinsole"
                )
            for statement in _split(_SCHEMA):
                self._db.execute(statement)
            if version < SCHEMA_VERSION:
                self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    # -- transactions ---------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def __enter__(self) -> "Journal":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing --------------------------------------------------------------------

    def add(self, request: JournalRequest, settlement: Settlement, *, detail: str = "recorded") -> JournalEntry:
        """Record ``request`` as a new DRAFT entry and return it.

        Raises :class:`CoinsoleError` if its ``client_key`` is already journaled."""
        at = now_ms()
        with self._write() as db:
            try:
                cursor = db.execute(
                    "INSERT INTO entries (created_ms, updated_ms, profile, venue, kind, "
                    "request_json, client_key, settlement, state) VALUES (?,?,?,?,?,?,?,?,?)",
                    (at, at, request.profile, request.venue, request.kind.value,
                     request.model_dump_json(), request.client_key, settlement.value,
                     EntryState.DRAFT.value),
                )
            except sqlite3.IntegrityError:
                raise CoinsoleError(
                    f"the key {request.client_key!r} is already in the journal") from None
            entry_id = int(cursor.lastrowid)
            db.execute("INSERT INTO events (entry_id, at_ms, from_state, to_state, detail) "
                       "VALUES (?,?,?,?,?)", (entry_id, at, None, EntryState.DRAFT.value, detail))
        return self.get(entry_id)

    def transition(
        self,
        entry_id: int,
        state: EntryState,
        *,
        detail: str = "",
        expect: EntryState | Iterable[EntryState] | None = None,
        receipt: MoveReceipt | None = _UNSET,
        venue_ref: str | None = _UNSET,
        error: str | None = _UNSET,
        note: str = _UNSET,
        sending: bool = False,
        needs_password: bool | None = None,
    ) -> JournalEntry:
        """Move entry ``entry_id`` to ``state`` (checked against the table, on disk) and
        append the event, in one fsync'd transaction.

        ``expect`` additionally requires the current state to be one of those (guards
        against two processes settling the same entry). ``sending`` counts an attempt and
        stamps the send time. Other keywords update the columns of the same name.
        """
        at = now_ms()
        with self._write() as db:
            row = db.execute("SELECT state, first_sent_ms FROM entries WHERE id = ?",
                             (entry_id,)).fetchone()
            if row is None:
                raise EntryNotFound(f"no journal entry {entry_id}")
            current = EntryState(row["state"])
            if expect is not None:
                wanted = {expect} if isinstance(expect, EntryState) else set(expect)
                if current not in wanted:
                    from tui.journal.states import IllegalTransition

                    raise IllegalTransition(entry_id, current, state)
            if current is not state:
                check_transition(entry_id, current, state)
            sets: dict[str, Any] = {"state": state.value, "updated_ms": at}
            if receipt is not _UNSET:
                sets["receipt_json"] = receipt.model_dump_json() if receipt is not None else None
                if receipt is not None and receipt.venue_ref and venue_ref is _UNSET:
                    sets["venue_ref"] = receipt.venue_ref
            if venue_ref is not _UNSET:
                sets["venue_ref"] = venue_ref
            if error is not _UNSET:
                sets["last_error"] = error
            if note is not _UNSET:
                sets["note"] = note
            if needs_password is not None:
                sets["needs_password"] = int(needs_password)
            if sending:
                sets["last_sent_ms"] = at
                if row["first_sent_ms"] is None:
                    sets["first_sent_ms"] = at
            assignments = ", ".join(f"{column} = ?" for column in sets)
            extra = ", attempts = attempts + 1" if sending else ""
            db.execute(f"UPDATE entries SET {assignments}{extra} WHERE id = ?",
                       (*sets.values(), entry_id))
            db.execute("INSERT INTO events (entry_id, at_ms, from_state, to_state, detail) "
                       "VALUES (?,?,?,?,?)", (entry_id, at, current.value, state.value, detail))
        return self.get(entry_id)

    def note(self, entry_id: int, detail: str, **columns: Any) -> JournalEntry:
        """Record evidence (an event that keeps the state) and update ``columns`` (see
        :meth:`transition`)."""
        return self.transition(entry_id, self.get(entry_id).state, detail=detail, **columns)

    # -- reading --------------------------------------------------------------------

    def get(self, entry_id: int) -> JournalEntry:
        """The entry ``entry_id``; :class:`EntryNotFound` if there is none."""
        row = self._db.execute("SELECT * FROM entries WHERE id = ?", (entry_id,)).fetchone()
        if row is None:
            raise EntryNotFound(f"no journal entry {entry_id}")
        return _entry(row)

    def by_key(self, client_key: str) -> JournalEntry | None:
        """The entry with idempotency key ``client_key``, if any."""
        row = self._db.execute("SELECT * FROM entries WHERE client_key = ?",
                               (client_key,)).fetchone()
        return _entry(row) if row else None

    def entries(self, states: Iterable[EntryState] | None = None) -> list[JournalEntry]:
        """Every entry (or those in ``states``), oldest first."""
        if states is None:
            rows = self._db.execute("SELECT * FROM entries ORDER BY id").fetchall()
        else:
            wanted = [s.value for s in states]
            marks = ",".join("?" * len(wanted))
            rows = self._db.execute(f"SELECT * FROM entries WHERE state IN ({marks}) ORDER BY id",
                                    wanted).fetchall()
        return [_entry(r) for r in rows]

    def events(self, entry_id: int) -> list[JournalEvent]:
        """The history of entry ``entry_id``, oldest first."""
        rows = self._db.execute("SELECT * FROM events WHERE entry_id = ? ORDER BY id",
                                (entry_id,)).fetchall()
        return [JournalEvent(r["id"], r["entry_id"], r["at_ms"],
                             EntryState(r["from_state"]) if r["from_state"] else None,
                             EntryState(r["to_state"]), r["detail"]) for r in rows]


def _entry(row: sqlite3.Row) -> JournalEntry:
    receipt = MoveReceipt.model_validate_json(row["receipt_json"]) if row["receipt_json"] else None
    return JournalEntry(
        id=row["id"], created_ms=row["created_ms"], updated_ms=row["updated_ms"],
        profile=row["profile"], venue=row["venue"], kind=row["kind"],
        request=parse_request(row["kind"], row["request_json"]),
        client_key=row["client_key"], settlement=Settlement(row["settlement"]),
        state=EntryState(row["state"]), venue_ref=row["venue_ref"], receipt=receipt,
        last_error=row["last_error"], attempts=row["attempts"],
        first_sent_ms=row["first_sent_ms"], last_sent_ms=row["last_sent_ms"],
        needs_password=bool(row["needs_password"]), note=row["note"],
    )


def _split(script: str) -> list[str]:
    """The statements of ``script`` (``executescript`` would commit our transaction)."""
    statements, current = [], []
    for line in script.strip().splitlines():
        current.append(line)
        text = "\n".join(current)
        if text.rstrip().endswith(";") and sqlite3.complete_statement(text):
            statements.append(text)
            current = []
    return statements
