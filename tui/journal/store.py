"""The journal's storage: one SQLite file, every commit fsync'd, an append-only event log.

``entries`` holds one row per money-moving request (the request as JSON with amounts as
exact strings, never a secret); ``events`` records every change of state and every piece
of evidence, with its time and detail, and is never updated or deleted. Every state change
goes through :meth:`Journal.transition`, which checks :data:`~tui.journal.states.TRANSITIONS`
against the state on disk inside one write transaction.
"""

from __future__ import annotations

import os
import secrets
import socket
import sqlite3
import stat
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.core.errors import CoinsoleError, ConfigError
from tui.core.actions import JournalRequest, parse_request
from tui.core.moves import MoveReceipt, Settlement
from tui.journal.states import EntryState, check_transition

__all__ = ["SCHEMA_VERSION", "JournalEntry", "JournalEvent", "Journal", "default_journal_path",
           "EntryNotFound", "JournalDamaged", "JournalWriteFailed", "Lease", "LEASE_TTL_MS",
           "now_ms"]

SCHEMA_VERSION = 2
"""The schema this code writes; stored in ``PRAGMA user_version``. Version 2 adds the
lease columns (who is sending an entry, and when they last said so)."""

LEASE_TTL_MS = 15_000
"""A lease whose heartbeat is older than this is stale (its owner is gone)."""

_V2_COLUMNS = (
    ("lease_pid", "INTEGER"),
    ("lease_host", "TEXT"),
    ("lease_token", "TEXT"),
    ("lease_beat_ms", "INTEGER"),
)

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
    note           TEXT NOT NULL DEFAULT '',
    lease_pid      INTEGER,
    lease_host     TEXT,
    lease_token    TEXT,
    lease_beat_ms  INTEGER
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


class JournalDamaged(ConfigError):
    """``journal.sqlite`` cannot be used as it is (garbage, empty, a directory, a newer
    schema, locked, a row that does not parse). The message names the file and what to do;
    the file is left untouched."""


class JournalWriteFailed(CoinsoleError):
    """A write to the journal failed (locked beyond the timeout, disk full, read-only)."""


@dataclass(frozen=True)
class Lease:
    """Who is sending an entry: a process (``pid`` on ``host``) and the ``token`` of its
    journal connection, renewed by a heartbeat while the send is awaited."""

    pid: int
    host: str
    token: str
    beat_ms: int

    def live(self, entry_id: int, now: int | None = None) -> bool:
        """True while the owner is plausibly still sending entry ``entry_id``: a fresh
        heartbeat and, on this host, a process with that pid (in this very process: a
        send still being awaited). A stale lease means the owner crashed."""
        at = now if now is not None else now_ms()
        if at - self.beat_ms > LEASE_TTL_MS:
            return False
        if self.host == _HOST:
            if self.pid == os.getpid():
                return (self.token, entry_id) in _SENDING
            return _pid_exists(self.pid)
        return True

    def describe(self) -> str:
        """``pid 1234 on host``, for the line that says an entry was skipped."""
        return f"pid {self.pid} on {self.host}"


_HOST = socket.gethostname() or "localhost"

_SENDING: set[tuple[str, int]] = set()
"""(journal token, entry id) of every send this process is awaiting right now."""


def _pid_exists(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


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
    lease: Lease | None = None

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
            "lease": ({"pid": self.lease.pid, "host": self.lease.host,
                       "beat_ms": self.lease.beat_ms} if self.lease else None),
        }

    def live_lease(self, now: int | None = None) -> Lease | None:
        """The lease of a SUBMITTING entry whose owner is still sending it, else None."""
        if self.state is EntryState.SUBMITTING and self.lease is not None \
                and self.lease.live(self.id, now):
            return self.lease
        return None


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

    open_timeout_s = 5.0  # float-ok: seconds to wait for another process's lock when opening

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = str(path if path is not None else default_journal_path())
        self.token = secrets.token_hex(8)
        """This connection's lease token: entries it sends carry it."""
        self.damaged: dict[int, str] = {}
        """Rows the last :meth:`entries` call could not read (id -> why)."""
        memory = self.path == ":memory:"
        created = False if memory else _create_if_missing(self.path)
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None,
                                       timeout=self.open_timeout_s)
        except sqlite3.Error as exc:
            raise self._damaged(f"cannot be opened ({exc})") from None
        self._db.row_factory = sqlite3.Row
        try:
            self._open(memory, created)
            self._db.execute("PRAGMA busy_timeout = 30000")
        except (sqlite3.OperationalError, JournalWriteFailed) as exc:
            self._db.close()
            if "locked" in str(exc) or "busy" in str(exc):
                raise JournalDamaged(
                    f"the journal at {self.path} is locked by another process; wait for it "
                    "to finish (or stop it) and try again") from None
            if isinstance(exc, JournalWriteFailed):
                raise JournalDamaged(
                    f"the journal at {self.path} cannot be written ({str(exc).rsplit(': ', 1)[-1]}); "
                    "free disk space or fix the data directory's permissions and try again"
                ) from None
            raise self._damaged(f"cannot be read ({exc})") from None
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise self._damaged(f"is not a journal ({exc})") from None
        except CoinsoleError:
            self._db.close()
            raise

    def _damaged(self, what: str) -> JournalDamaged:
        return JournalDamaged(
            f"the journal at {self.path} {what}; it was left untouched: move it aside (or "
            "restore it from a backup) and run coinsole again")

    def _open(self, memory: bool, created: bool) -> None:
        # Read first, change nothing: a damaged file is refused exactly as it is.
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise JournalDamaged(
                f"the journal at {self.path} has schema {version}, newer than this "
                f"coinsole understands ({SCHEMA_VERSION}); upgrade coinsole")
        tables = {r[0] for r in self._db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        fresh = memory or created
        if not fresh and not {"entries", "events"} <= tables:
            # Never re-initialise a file we did not just create: ids would restart at 1.
            raise self._damaged("has no journal tables (empty or not a coinsole journal)")
        if not memory:
            self._db.execute("PRAGMA journal_mode=WAL")
            _restrict(self.path)
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA foreign_keys=ON")
        if version == SCHEMA_VERSION and not fresh:
            return
        with self._write():
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version < 2 and "entries" in tables:
                present = {r[1] for r in self._db.execute("PRAGMA table_info(entries)")}
                for column, kind in _V2_COLUMNS:
                    if column not in present:
                        self._db.execute(f"ALTER TABLE entries ADD COLUMN {column} {kind}")
            for statement in _split(_SCHEMA):
                self._db.execute(statement)
            if version < SCHEMA_VERSION:
                self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        if not memory:
            _restrict(self.path)

    # -- transactions ---------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; a database failure becomes :class:`JournalWriteFailed`."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise JournalWriteFailed(f"could not write the journal at {self.path}: {exc}") from None
        try:
            yield self._db
        except BaseException as exc:
            try:
                self._db.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            if isinstance(exc, sqlite3.Error) and not isinstance(exc, sqlite3.IntegrityError):
                raise JournalWriteFailed(
                    f"could not write the journal at {self.path}: {exc}") from None
            raise
        try:
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            try:
                self._db.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            raise JournalWriteFailed(f"could not write the journal at {self.path}: {exc}") from None

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
        lease_holder: bool = False,
        expect_lease: str | None = _UNSET,
    ) -> JournalEntry:
        """Move entry ``entry_id`` to ``state`` (checked against the table, on disk) and
        append the event, in one fsync'd transaction.

        ``expect`` additionally requires the current state to be one of those (guards
        against two processes settling the same entry). ``sending`` counts an attempt,
        stamps the send time and takes the lease for this connection (renew it with
        :meth:`heartbeat`); leaving SUBMITTING clears it. ``lease_holder`` requires the
        entry to be SUBMITTING under this connection's lease (the sender's own reply);
        ``expect_lease`` requires the lease token on disk to be that one (None: no lease).
        Other keywords update the columns of the same name.
        """
        at = now_ms()
        with self._write() as db:
            row = db.execute("SELECT state, first_sent_ms, lease_token FROM entries "
                             "WHERE id = ?", (entry_id,)).fetchone()
            if row is None:
                raise EntryNotFound(f"no journal entry {entry_id}")
            current = _state(row["state"], entry_id, self.path)
            if lease_holder and (current is not EntryState.SUBMITTING
                                 or row["lease_token"] != self.token):
                from tui.journal.states import IllegalTransition

                raise IllegalTransition(entry_id, current, state)
            if expect is not None:
                wanted = {expect} if isinstance(expect, EntryState) else set(expect)
                if current not in wanted:
                    from tui.journal.states import IllegalTransition

                    raise IllegalTransition(entry_id, current, state)
            if expect_lease is not _UNSET and row["lease_token"] != expect_lease:
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
            if state is EntryState.SUBMITTING and sending:
                sets.update(lease_pid=os.getpid(), lease_host=_HOST, lease_token=self.token,
                            lease_beat_ms=at)
            elif state is not EntryState.SUBMITTING:
                sets.update(lease_pid=None, lease_host=None, lease_token=None, lease_beat_ms=None)
            assignments = ", ".join(f"{column} = ?" for column in sets)
            extra = ", attempts = attempts + 1" if sending else ""
            db.execute(f"UPDATE entries SET {assignments}{extra} WHERE id = ?",
                       (*sets.values(), entry_id))
            db.execute("INSERT INTO events (entry_id, at_ms, from_state, to_state, detail) "
                       "VALUES (?,?,?,?,?)", (entry_id, at, current.value, state.value, detail))
        return self.get(entry_id)

    @contextmanager
    def holding(self, entry_id: int) -> Iterator[None]:
        """Mark this process as awaiting the send of ``entry_id`` (its lease is live)."""
        _SENDING.add((self.token, entry_id))
        try:
            yield
        finally:
            _SENDING.discard((self.token, entry_id))

    def heartbeat(self, entry_id: int) -> bool:
        """Renew this connection's lease on ``entry_id``; False when it is not ours any more
        or the journal is busy (a short wait only: the caller is an event loop)."""
        try:
            self._db.execute("PRAGMA busy_timeout = 250")
            try:
                cursor = self._db.execute(
                    "UPDATE entries SET lease_beat_ms = ? WHERE id = ? AND state = ? "
                    "AND lease_token = ?",
                    (now_ms(), entry_id, EntryState.SUBMITTING.value, self.token))
                return cursor.rowcount == 1
            finally:
                self._db.execute("PRAGMA busy_timeout = 30000")
        except sqlite3.Error:
            return False

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
        try:
            return _entry(row)
        except JournalDamaged:
            raise
        except Exception as exc:  # noqa: BLE001 - a damaged row
            raise JournalDamaged(
                f"journal entry {entry_id} in {self.path} is damaged ({_why(exc)}); restore "
                "the file from a backup or resolve it at the venue by hand") from None

    def by_key(self, client_key: str) -> JournalEntry | None:
        """The entry with idempotency key ``client_key``, if any."""
        row = self._db.execute("SELECT * FROM entries WHERE client_key = ?",
                               (client_key,)).fetchone()
        return _entry(row) if row else None

    def entries(self, states: Iterable[EntryState] | None = None) -> list[JournalEntry]:
        """Every entry (or those in ``states``), oldest first. A row that cannot be read
        is left out and named in :attr:`damaged` (id -> why) instead of failing the rest."""
        if states is None:
            return self.select()
        wanted = [s.value for s in states]
        return self.select(f"state IN ({','.join('?' * len(wanted))})", wanted)

    def select(self, where: str = "", args: Sequence[Any] = (), *, order: str = "id",
               limit: int | None = None) -> list[JournalEntry]:
        """The entries matching the SQL condition ``where`` (over the ``entries`` columns,
        ``?`` marks filled from ``args``) in ``order``, at most ``limit``: what a view
        reads a page at a time by key instead of the whole journal. A row that cannot be
        read is left out and named in :attr:`damaged`, as in :meth:`entries`."""
        sql = (f"SELECT * FROM entries{' WHERE ' + where if where else ''} ORDER BY {order}"
               f"{' LIMIT ?' if limit is not None else ''}")
        rows = self._db.execute(sql, [*args, *([limit] if limit is not None else [])])
        return self._parse(rows.fetchall())

    def count(self, where: str = "", args: Sequence[Any] = ()) -> int:
        """How many entries match the SQL condition ``where`` (all of them by default)."""
        return int(self._db.execute(f"SELECT COUNT(*) FROM entries"
                                    f"{' WHERE ' + where if where else ''}", args).fetchone()[0])

    def view_sql(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run a read (``SELECT``) or a statement on this connection's TEMP schema (a
        view's private cache, which never reaches the file), and return its rows."""
        head = " ".join(sql.split()[:3]).upper()
        if not (head.startswith(("SELECT", "CREATE TEMP")) or " TEMP." in f" {head}"):
            raise ValueError("view_sql reads, or writes TEMP tables only")
        return [tuple(row) for row in self._db.execute(sql, args).fetchall()]

    def change_mark(self) -> tuple[int, int, int]:
        """(entries, newest id, latest update time): differs whenever an entry was added
        or changed since it was last read, so a view re-reads only then."""
        row = self._db.execute("SELECT COUNT(*), COALESCE(MAX(id), 0), "
                               "COALESCE(MAX(updated_ms), 0) FROM entries").fetchone()
        return int(row[0]), int(row[1]), int(row[2])

    def _parse(self, rows: list[sqlite3.Row]) -> list[JournalEntry]:
        found, damaged = [], {}
        for row in rows:
            try:
                found.append(_entry(row))
            except Exception as exc:  # noqa: BLE001 - one bad row never hides the others
                damaged[row["id"]] = _why(exc)
        self.damaged = damaged
        return found

    def events(self, entry_id: int) -> list[JournalEvent]:
        """The history of entry ``entry_id``, oldest first."""
        rows = self._db.execute("SELECT * FROM events WHERE entry_id = ? ORDER BY id",
                                (entry_id,)).fetchall()
        return [JournalEvent(r["id"], r["entry_id"], r["at_ms"],
                             EntryState(r["from_state"]) if r["from_state"] else None,
                             EntryState(r["to_state"]), r["detail"]) for r in rows]


def _state(value: Any, entry_id: int, path: str) -> EntryState:
    try:
        return EntryState(value)
    except ValueError:
        raise JournalDamaged(
            f"journal entry {entry_id} in {path} has an unknown state {str(value)[:40]!r}; "
            "restore the file from a backup or resolve it at the venue by hand") from None


def _why(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]


def _lease(row: sqlite3.Row) -> Lease | None:
    if row["lease_token"] is None or row["lease_pid"] is None:
        return None
    return Lease(pid=int(row["lease_pid"]), host=str(row["lease_host"] or ""),
                 token=str(row["lease_token"]), beat_ms=int(row["lease_beat_ms"] or 0))


def _create_if_missing(path: str) -> bool:
    """Create the journal at ``path`` (mode 0600, schema in place) if nothing is there.

    It is built under a temporary name and linked into place, so another process never
    sees a half-made file; an existing file is never re-created (a zero-length one is
    refused), nor is a directory. Returns False: the file is complete either way."""
    target = Path(path)
    if target.is_dir():
        raise JournalDamaged(f"the journal at {path} is a directory; move it aside and run "
                             "coinsole again")
    if target.exists():
        if target.stat().st_size == 0:
            raise JournalDamaged(
                f"the journal at {path} is empty (zero bytes); it was left untouched: move it "
                "aside (or restore it from a backup) and run coinsole again")
        return False
    temporary = f"{path}.new-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        os.close(os.open(temporary, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))
        db = sqlite3.connect(temporary, isolation_level=None)
        try:
            db.execute("PRAGMA synchronous=FULL")
            db.execute("BEGIN IMMEDIATE")
            for statement in _split(_SCHEMA):
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute("COMMIT")
        finally:
            db.close()
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process made it first: theirs is used
    except (OSError, sqlite3.Error) as exc:
        why = exc.strerror if isinstance(exc, OSError) else str(exc)
        raise JournalDamaged(f"the journal at {path} cannot be created ({why}); free disk "
                             "space or fix the data directory's permissions") from None
    finally:
        for leftover in (temporary, temporary + "-journal"):
            try:
                os.unlink(leftover)
            except OSError:
                pass
    return False


def _restrict(path: str) -> None:
    """The journal and its -wal/-shm files are private (0600)."""
    for name in (path, path + "-wal", path + "-shm"):
        try:
            mode = stat.S_IMODE(os.stat(name).st_mode)
            if mode & 0o077:
                os.chmod(name, 0o600)
        except OSError:
            pass


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
        needs_password=bool(row["needs_password"]), note=row["note"], lease=_lease(row),
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
