"""PostgreSQL ApprovalStore for a team on several machines (psycopg 3).

- Versioned schema: a ``schema_version`` table; pending migrations are applied in one
  transaction under an advisory lock, so two processes starting at once migrate once.
- Exactly-once execution: ``claim_for_execution`` is one ``UPDATE ... WHERE state='APPROVED'
  RETURNING``; the claim carries a random token so a retry after a lost reply still knows
  whether this caller won.
- Append-only audit: appends are serialised by a transaction-scoped advisory lock; a trigger
  refuses UPDATE, DELETE and TRUNCATE on the audit table (the hash chain catches the rest).
- Live queues: triggers ``NOTIFY`` on every request or signature change; :meth:`PostgresStore.watch`
  and :class:`Watcher` deliver them to every operator.
- Connection loss: reconnects with exponential backoff; when the store stays unreachable a
  :class:`StoreUnreachable` says so in one line (host, port and database only, never a password).

Nothing secret is stored: requests, signed statements and public keys only.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from urllib.parse import urlsplit

import psycopg

from tui.core.errors import CoinsoleError

from . import audit
from .operators import Signed, Statement
from .store import PAGE_ORDER, Change, PendingVotes, Row

__all__ = ["PostgresStore", "Watcher", "Change", "StoreError", "StoreUnreachable",
           "SCHEMA_VERSION", "MIGRATIONS", "CHANNEL", "migrate", "schema_version", "redact_url"]

CHANNEL = "coinsole_approvals"
_MIGRATE_LOCK = 0x636F696E_0001  # advisory lock keys ("coin" + n)
_AUDIT_LOCK = 0x636F696E_0002

MIGRATIONS: tuple[tuple[int, str], ...] = (
    (1, """
CREATE TABLE requests (id TEXT PRIMARY KEY, request_json TEXT NOT NULL,
  request_hash TEXT NOT NULL, policy_hash TEXT NOT NULL, initiator TEXT NOT NULL,
  state TEXT NOT NULL, proposed_ms BIGINT NOT NULL, outcome TEXT NOT NULL DEFAULT '');
CREATE TABLE signatures (seq BIGSERIAL PRIMARY KEY, request_id TEXT NOT NULL,
  statement TEXT NOT NULL, signature TEXT NOT NULL);
CREATE TABLE audit (seq BIGSERIAL PRIMARY KEY, record TEXT NOT NULL);
"""),
    (2, f"""
ALTER TABLE requests ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
CREATE INDEX requests_state ON requests (state, proposed_ms);
CREATE INDEX signatures_request ON signatures (request_id);
CREATE FUNCTION coinsole_notify_request() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('{CHANNEL}', json_build_object('kind', 'request', 'id', NEW.id,
                                                    'state', NEW.state)::text);
  RETURN NULL;
END $$;
CREATE TRIGGER requests_notify AFTER INSERT OR UPDATE ON requests
  FOR EACH ROW EXECUTE FUNCTION coinsole_notify_request();
CREATE FUNCTION coinsole_notify_signature() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('{CHANNEL}', json_build_object('kind', 'signature',
                                                    'id', NEW.request_id)::text);
  RETURN NULL;
END $$;
CREATE TRIGGER signatures_notify AFTER INSERT ON signatures
  FOR EACH ROW EXECUTE FUNCTION coinsole_notify_signature();
CREATE FUNCTION coinsole_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the approvals audit log is append-only';
END $$;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
  FOR EACH ROW EXECUTE FUNCTION coinsole_audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
  FOR EACH STATEMENT EXECUTE FUNCTION coinsole_audit_append_only();
"""),
)
"""(version, SQL) in order; a store applies those above its schema_version."""

SCHEMA_VERSION = MIGRATIONS[-1][0]
_COLUMNS = "id, request_json, request_hash, policy_hash, initiator, state, proposed_ms, outcome"


class StoreError(CoinsoleError):
    """The team store refused or cannot serve a request; the text is fit to show."""


class StoreUnreachable(StoreError):
    """The team store cannot be reached (connection lost or refused) after retrying with
    backoff; the UI shows it ("team store unreachable, retrying") and calls again later."""


def redact_url(url: str) -> str:
    """``host:port/dbname`` of a postgresql:// URL: no user, no password, no options."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or "localhost"
        port = parts.port or 5432
    except ValueError:
        return "the team store"
    return f"{host}:{port}{parts.path or '/'}"


def _reason(exc: BaseException) -> str:
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    return (lines[-1] if lines else exc.__class__.__name__)[:200]


def schema_version(conn: psycopg.Connection) -> int:
    """The schema version recorded in the database (0 when none)."""
    exists = conn.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()[0]
    if not exists:
        return 0
    return conn.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]


def migrate(conn: psycopg.Connection, target: int = SCHEMA_VERSION) -> int:
    """Apply every migration above the recorded version up to ``target`` in one transaction;
    return the version now in force. Refuses a database newer than this coinsole."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATE_LOCK,))
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, "
                     "applied_ms BIGINT NOT NULL)")
        current = schema_version(conn)
        if current > SCHEMA_VERSION:
            raise StoreError(f"the team store's schema is version {current}, newer than this "
                             f"coinsole's {SCHEMA_VERSION}; upgrade coinsole")
        for version, sql in MIGRATIONS:
            if current < version <= target:
                conn.execute(sql)
                conn.execute("INSERT INTO schema_version VALUES (%s, %s)",
                             (version, int(time.time() * 1000)))
                current = version
    return current


class _Backoff:
    """Connect with exponential backoff for at most ``budget`` seconds."""

    def __init__(self, url: str, budget: float, first: float = 0.05, cap: float = 1.0,  # float-ok: seconds
                 connect_timeout: int = 3):
        self.url, self.budget, self.first, self.cap = url, budget, first, cap
        self.connect_timeout = connect_timeout

    def connect(self, stop: threading.Event | None = None) -> psycopg.Connection:
        """A connection, trying again with backoff for at most the budget; StoreUnreachable
        after it (or as soon as ``stop`` is set: a watcher being stopped waits no longer)."""
        deadline = time.monotonic() + self.budget
        delay = self.first
        while True:
            try:
                # keepalives: a silent network partition surfaces in ~30 s, not never
                return psycopg.connect(self.url, autocommit=True,
                                       connect_timeout=self.connect_timeout, keepalives=1,
                                       keepalives_idle=10, keepalives_interval=5,
                                       keepalives_count=3)
            except psycopg.OperationalError as exc:
                if _refused(exc):
                    raise StoreError(f"the team store at {redact_url(self.url)} refused the "
                                     f"connection: {_reason(exc)}") from None
                left = deadline - time.monotonic()
                if left <= 0:
                    raise StoreUnreachable(f"team store unreachable at {redact_url(self.url)}, "
                                           f"retrying: {_reason(exc)}") from None
                if stop is None:
                    time.sleep(min(delay, left))
                elif stop.wait(min(delay, left)):
                    raise StoreUnreachable(f"team store unreachable at {redact_url(self.url)}; "
                                           "stopped watching") from None
                delay = min(delay * 2, self.cap)


def _refused(exc: BaseException) -> bool:
    """The server answered and said no (bad login, no such database): retrying won't help."""
    text = str(exc)
    return ("authentication failed" in text or "no pg_hba.conf entry" in text
            or ("database" in text and "does not exist" in text)
            or ("role" in text and "does not exist" in text))


def _lost(conn: psycopg.Connection | None) -> bool:
    return conn is None or conn.closed or conn.broken


class PostgresStore:
    """The team store on PostgreSQL; the same methods as the SQLite store, plus
    :meth:`watch`. ``retry_for`` bounds how long one call keeps reconnecting (seconds)."""

    def __init__(self, url: str, *, retry_for: float = 5.0, migrate_schema: bool = True):  # float-ok: seconds
        self.url = url
        self._backoff = _Backoff(url, retry_for)
        self._conn: psycopg.Connection | None = None
        self._lock = threading.Lock()
        self.status = "connecting"
        """``connected`` or the last unreachable message, for a status strip."""
        if migrate_schema:
            self._call(lambda c, _retry: migrate(c))

    # connection handling ---------------------------------------------------------------

    def _connection(self) -> psycopg.Connection:
        if _lost(self._conn):
            self._conn = None
            try:
                self._conn = self._backoff.connect()
            except StoreUnreachable as exc:
                self.status = str(exc)
                raise
            self.status = "connected"
        return self._conn

    def _call(self, fn: Callable[[psycopg.Connection, bool], object], idempotent: bool = True):
        """fn(conn, retrying) on a live connection; a connection lost mid-call is reopened
        and, when ``idempotent``, the call is made once more with ``retrying`` True."""
        with self._lock:
            retrying = False
            while True:
                conn = self._connection()
                try:
                    return fn(conn, retrying)
                except psycopg.OperationalError as exc:
                    if not _lost(conn):
                        raise StoreError(f"team store: {_reason(exc)}") from None
                    self._conn = None
                    self.status = (f"team store unreachable at {redact_url(self.url)}, "
                                   f"retrying: {_reason(exc)}")
                    if retrying or not idempotent:
                        raise StoreUnreachable(self.status) from None
                    retrying = True

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def schema_version(self) -> int:
        """The schema version in force."""
        return self._call(lambda c, _r: schema_version(c))

    # the ApprovalStore methods ------------------------------------------------------------

    def propose(self, row: Row) -> None:
        """Store a new request; a retry after a lost reply accepts its own earlier insert."""
        def run(c: psycopg.Connection, retrying: bool) -> None:
            cur = c.execute(f"INSERT INTO requests ({_COLUMNS}) VALUES (%s,%s,%s,%s,%s,%s,%s,%s) "
                            "ON CONFLICT (id) DO NOTHING",
                            (row.id, row.request_json, row.request_hash, row.policy_hash,
                             row.initiator, row.state, row.proposed_ms, row.outcome))
            if cur.rowcount == 1:
                return
            if retrying:
                found = c.execute("SELECT request_hash FROM requests WHERE id=%s", (row.id,)).fetchone()
                if found and found[0] == row.request_hash:
                    return
            raise StoreError(f"request {row.id} already exists in the team store")
        self._call(run)

    def add_signature(self, request_id: str, s: Signed) -> None:
        """Store a signed statement (not retried after a lost reply: the caller re-reads)."""
        st = s.statement
        body = json.dumps([st.request_hash, st.decision, st.operator, st.time_ms,
                           st.policy_hash, st.reason])
        self._call(lambda c, _r: c.execute(
            "INSERT INTO signatures (request_id, statement, signature) VALUES (%s,%s,%s)",
            (request_id, body, s.signature.hex())), idempotent=False)

    def signatures(self, request_id: str) -> list[Signed]:
        """Every signed statement stored for the request, oldest first."""
        rows = self._call(lambda c, _r: c.execute(
            "SELECT statement, signature FROM signatures WHERE request_id=%s ORDER BY seq",
            (request_id,)).fetchall())
        return [Signed(Statement(*json.loads(a)), bytes.fromhex(b)) for a, b in rows]

    def get(self, request_id: str) -> Row | None:
        """The request, or None."""
        r = self._call(lambda c, _r: c.execute(
            f"SELECT {_COLUMNS} FROM requests WHERE id=%s", (request_id,)).fetchone())
        return Row(*r) if r else None

    def list(self, state: str | None = None) -> list[Row]:
        """Requests (in ``state`` when given), oldest first."""
        if state:
            q, a = f"SELECT {_COLUMNS} FROM requests WHERE state=%s ORDER BY proposed_ms, id", (state,)
        else:
            q, a = f"SELECT {_COLUMNS} FROM requests ORDER BY proposed_ms, id", ()
        return [Row(*r) for r in self._call(lambda c, _r: c.execute(q, a).fetchall())]

    def set_state(self, request_id: str, state: str, expected: str) -> bool:
        """Move the request from ``expected`` to ``state``; True when this call did it."""
        return self._call(lambda c, _r: c.execute(
            "UPDATE requests SET state=%s WHERE id=%s AND state=%s",
            (state, request_id, expected)).rowcount == 1, idempotent=False)

    def claim_for_execution(self, request_id: str) -> bool:
        """Exactly one caller wins: one ``UPDATE ... WHERE state='APPROVED' RETURNING``
        stamped with this call's token (so a retry after a lost reply knows if it won)."""
        token = uuid.uuid4().hex

        def run(c: psycopg.Connection, retrying: bool) -> bool:
            if retrying:
                found = c.execute("SELECT state, claimed_by FROM requests WHERE id=%s",
                                  (request_id,)).fetchone()
                if found and found[1] == token:
                    return True
            won = c.execute("UPDATE requests SET state='EXECUTING', claimed_by=%s "
                            "WHERE id=%s AND state='APPROVED' RETURNING id",
                            (token, request_id)).fetchone()
            return won is not None
        return self._call(run)

    def record_outcome(self, request_id: str, outcome: str) -> None:
        """EXECUTING -> DONE with the outcome text (a repeat is a no-op)."""
        self._call(lambda c, _r: c.execute(
            "UPDATE requests SET state='DONE', outcome=%s WHERE id=%s AND state='EXECUTING'",
            (outcome, request_id)))

    def audit_append(self, record: dict) -> dict:
        """Chain and append one audit record; appends are serialised by an advisory lock."""
        def run(c: psycopg.Connection, _retrying: bool) -> dict:
            with c.transaction():
                c.execute("SELECT pg_advisory_xact_lock(%s)", (_AUDIT_LOCK,))
                last = c.execute("SELECT record FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
                prev = json.loads(last[0])["hash"] if last else audit.GENESIS
                rec = audit.chain(prev, record)
                c.execute("INSERT INTO audit (record) VALUES (%s)", (json.dumps(rec, sort_keys=True),))
                return rec
        return self._call(run, idempotent=False)

    def audit_read(self) -> list[dict]:
        """The audit log in order."""
        rows = self._call(lambda c, _r: c.execute("SELECT record FROM audit ORDER BY seq").fetchall())
        return [json.loads(r[0]) for r in rows]

    # a long queue, a page at a time ------------------------------------------------------

    @staticmethod
    def _where(states: Sequence[str], initiator: str | None) -> tuple[str, list]:
        where, args = "state = ANY(%s)", [list(states)]
        if initiator is not None:
            where += " AND initiator = %s"
            args.append(initiator)
        return where, args

    def count(self, states: Sequence[str], initiator: str | None = None) -> int:
        """How many requests are in ``states`` (proposed by ``initiator`` when given)."""
        where, args = self._where(states, initiator)
        return self._call(lambda c, _r: c.execute(
            f"SELECT count(*) FROM requests WHERE {where}", args).fetchone()[0])

    def page(self, states: Sequence[str], *, after: tuple[int, str] | None = None,
             limit: int = 100, initiator: str | None = None) -> list[Row]:
        """Up to ``limit`` requests in ``states``, oldest first, after the keyset ``after``
        (the (proposed_ms, id) of the last row of the previous page)."""
        where, args = self._where(states, initiator)
        if after is not None:
            where += " AND (proposed_ms, id) > (%s, %s)"
            args += [after[0], after[1]]
        rows = self._call(lambda c, _r: c.execute(
            f"SELECT {_COLUMNS} FROM requests WHERE {where} {PAGE_ORDER} LIMIT %s",
            [*args, limit]).fetchall())
        return [Row(*r) for r in rows]

    def signatures_for(self, ids: Sequence[str]) -> dict[str, list[Signed]]:
        """The stored statements of the requests ``ids`` (a page), by request id."""
        rows = self._call(lambda c, _r: c.execute(
            "SELECT request_id, statement, signature FROM signatures WHERE request_id = ANY(%s) "
            "ORDER BY seq", (list(ids),)).fetchall())
        out: dict[str, list[Signed]] = {}
        for rid, a, b in rows:
            out.setdefault(rid, []).append(Signed(Statement(*json.loads(a)), bytes.fromhex(b)))
        return out

    def pending_votes(self, operator: str) -> list[PendingVotes]:
        """PENDING_APPROVAL requests ``operator`` has not signed, counted per quorum,
        self-approval flag and whether ``operator`` proposed them."""
        rows = self._call(lambda c, _r: c.execute(
            "SELECT request_json::json #>> '{meta,quorum}', "
            "coalesce(request_json::json #>> '{meta,self}', 'false') = 'true', "
            "initiator = %s, count(*) FROM requests r WHERE state = 'PENDING_APPROVAL' AND "
            "NOT EXISTS (SELECT 1 FROM signatures s WHERE s.request_id = r.id AND "
            "s.statement::json ->> 2 = %s) GROUP BY 1, 2, 3", (operator, operator)).fetchall())
        return [PendingVotes(q or "", bool(ok), bool(mine), n) for q, ok, mine, n in rows]

    def due_to_expire(self, now_ms: int) -> list[Row]:
        """PENDING_APPROVAL or APPROVED requests whose expiry is before ``now_ms``."""
        rows = self._call(lambda c, _r: c.execute(
            f"SELECT {_COLUMNS} FROM requests WHERE state IN ('PENDING_APPROVAL', 'APPROVED') "
            "AND proposed_ms + coalesce((request_json::json #>> '{meta,expiry_ms}')::bigint, 0)"
            f" < %s {PAGE_ORDER}", (now_ms,)).fetchall())
        return [Row(*r) for r in rows]

    # live changes -----------------------------------------------------------------------

    def watcher(self) -> Watcher:
        """A :class:`Watcher` on its own connection (iterate it, or call ``next``)."""
        return Watcher(self.url, retry_for=self._backoff.budget)

    def watch(self, callback: Callable[[Change], None]) -> Watcher:
        """Call ``callback(change)`` from a background thread for every change any operator
        makes; returns the watcher (``stop()`` it when done). The LISTEN is in place when
        this returns, so no change made afterwards is missed."""
        w = self.watcher()
        w.start(callback)
        return w


class Watcher:
    """LISTEN on the team store's channel on a dedicated connection. Yields a
    :class:`Change` for every request or signature change; on connection loss yields one
    ``unreachable`` change, keeps reconnecting with backoff, then yields ``reconnected``."""

    def __init__(self, url: str, retry_for: float = 5.0):  # float-ok: seconds
        self.url = url
        self._backoff = _Backoff(url, retry_for)
        self._conn: psycopg.Connection | None = None
        self._pending: deque[Change] = deque()
        self._down = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        try:
            self._listen()
        except StoreUnreachable as exc:  # reported as the first change; next() keeps trying
            self._lost(exc)

    def _listen(self) -> None:
        conn = self._backoff.connect(self._stop)
        try:
            conn.execute(f"LISTEN {CHANNEL}")
        except psycopg.OperationalError as exc:
            conn.close()
            raise StoreUnreachable(f"team store unreachable at {redact_url(self.url)}, "
                                   f"retrying: {_reason(exc)}") from None
        self._conn = conn

    def _lost(self, exc: BaseException) -> None:
        if self._conn is not None:
            self._conn.close()
        self._conn = None
        if not self._down:
            self._down = True
            self._pending.append(Change("unreachable", detail=(
                f"team store unreachable at {redact_url(self.url)}, retrying: {_reason(exc)}")))

    def next(self, timeout: float = 1.0) -> Change | None:  # float-ok: seconds
        """The next change, waiting at most ``timeout`` seconds; None when none came."""
        if self._pending:
            return self._pending.popleft()
        if self._conn is None:
            if self._stop.is_set():
                return None
            try:
                self._listen()
            except StoreUnreachable as exc:
                self._lost(exc)
                return self._pending.popleft() if self._pending else None
            self._down = False
            return Change("reconnected", detail="team store reachable again; reload the queue")
        try:
            for n in self._conn.notifies(timeout=timeout, stop_after=1):
                d = json.loads(n.payload)
                self._pending.append(Change(d.get("kind", ""), d.get("id", ""), d.get("state") or ""))
        except psycopg.OperationalError as exc:
            self._lost(exc)
        return self._pending.popleft() if self._pending else None

    def __iter__(self) -> Iterator[Change]:
        while not self._stop.is_set():
            change = self.next(0.25)
            if change is not None:
                yield change

    def start(self, callback: Callable[[Change], None]) -> None:
        """Deliver changes to ``callback`` from a thread until :meth:`stop` (which the
        process's exit calls when nobody did: :mod:`.watch_thread`). ``callback`` must not
        block (the stop waits for it)."""
        from .watch_thread import start_watch_thread

        def loop() -> None:
            try:
                for change in self:
                    callback(change)
            finally:
                self._close()
        self._thread = start_watch_thread(self, loop, "coinsole-team-watch")

    def stop(self) -> None:
        """Stop delivering and close the connection (the thread ends within a poll)."""
        from .watch_thread import forget

        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(5)
        elif thread is None:
            self._close()
        forget(self)

    def _close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
