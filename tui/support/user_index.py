"""The local index of an org's users: SQLite with B-tree indexes and FTS5 for prefixes.

One file per org, ``users-<org>.sqlite`` in the data directory (``app_paths().data_dir``;
the org named by :func:`org_key`, a hash: no key is stored): directory 0700, file 0600,
WAL. It keeps each user's row as ``query_user_list`` / ``query_user_kyc_list`` last gave it, and the
sync cursors (:mod:`tui.support.user_sync`).

Search (:meth:`UserIndex.search`) takes a uid, a mobile with or without its national code
(``+86 138…``, ``0086138…``, ``138…``), an email, or a prefix of any: the exact uid first,
then exact mobile/email matches, then prefix matches. Id, mobile and email prefixes are
B-tree range scans over indexed (generated, unmasked, lower-cased) columns, which stop
after ``limit`` rows whatever the prefix; KYC names and the words of emails are in an
FTS5 table (word-prefix queries). An FTS5 prefix query over unique ids has to merge
every matching term (measured p99 36-230 ms for short uid prefixes at 100,000 users),
which is why ids do not go through it (bench/support.py).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tui.paths import app_paths

__all__ = ["UserIndex", "IndexedUser", "Match", "org_key", "index_path", "normalise_query"]

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    uid INTEGER PRIMARY KEY,
    user_id TEXT NOT NULL,
    national_code TEXT NOT NULL DEFAULT '',
    mobile TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    register_type INTEGER,
    verify_status INTEGER,
    invite_user_id TEXT NOT NULL DEFAULT '0',
    second_level_invite_user_id TEXT NOT NULL DEFAULT '0',
    source TEXT NOT NULL DEFAULT '',
    register_date INTEGER,
    first_name TEXT NOT NULL DEFAULT '',
    second_name TEXT NOT NULL DEFAULT '',
    kyc_id INTEGER,
    mobile_key TEXT GENERATED ALWAYS AS (CASE WHEN instr(mobile, '*') > 0
        THEN substr(mobile, 1, instr(mobile, '*') - 1) ELSE mobile END) VIRTUAL,
    full_mobile TEXT GENERATED ALWAYS AS (CASE WHEN mobile_key = '' THEN ''
        ELSE national_code || mobile_key END) VIRTUAL,
    email_key TEXT GENERATED ALWAYS AS (lower(CASE WHEN instr(email, '*') > 0
        THEN substr(email, 1, instr(email, '*') - 1) ELSE email END)) VIRTUAL
);
CREATE INDEX IF NOT EXISTS users_user_id ON users (user_id);
CREATE INDEX IF NOT EXISTS users_mobile ON users (mobile_key);
CREATE INDEX IF NOT EXISTS users_full_mobile ON users (full_mobile);
CREATE INDEX IF NOT EXISTS users_email ON users (email_key);
CREATE INDEX IF NOT EXISTS users_inviter ON users (invite_user_id);
CREATE VIRTUAL TABLE IF NOT EXISTS users_fts USING fts5 (terms, prefix = '2 3');
CREATE TABLE IF NOT EXISTS cursors (
    name TEXT PRIMARY KEY, value TEXT
) WITHOUT ROWID;
"""
_COLUMNS = ("user_id", "national_code", "mobile", "email", "register_type", "verify_status",
            "invite_user_id", "second_level_invite_user_id", "source", "register_date",
            "first_name", "second_name", "kyc_id")


def org_key(base_url: str, api_key: str) -> str:
    """A name for an org that holds no key: SHA-256 over the base URL and the access key."""
    return hashlib.sha256(f"{base_url.rstrip('/')}\n{api_key}".encode()).hexdigest()[:32]


def index_path(org: str) -> Path:
    """``users-<org>.sqlite`` in coinsole's data directory."""
    if not org.isalnum():
        raise ValueError("an org key is letters and digits")
    return app_paths().data_dir / f"users-{org}.sqlite"


@dataclass(frozen=True)
class IndexedUser:
    """One user as the index holds them (strings as the venue gave them)."""

    user_id: str
    national_code: str = ""
    mobile: str = ""
    email: str = ""
    register_type: int | None = None
    verify_status: int | None = None
    invite_user_id: str = "0"
    second_level_invite_user_id: str = "0"
    source: str = ""
    register_date: int | None = None
    first_name: str = ""
    second_name: str = ""
    kyc_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """Every field, for JSON."""
        return asdict(self)


@dataclass(frozen=True)
class Match:
    """A search result: the user and why it matched (``uid``, ``mobile``, ``email``,
    ``prefix``)."""

    user: IndexedUser
    why: str


def _unmasked(value: str) -> str:
    """The part of a possibly masked value (``186****1314``) before its first ``*``."""
    return value.split("*", 1)[0]


def _terms(row: Mapping[str, Any]) -> str:
    """The FTS5 words of a user: the KYC names and the words of the email (its start
    before any mask)."""
    email = _unmasked(str(row.get("email") or ""))
    return " ".join(x for x in (str(row.get("first_name") or ""),
                                str(row.get("second_name") or ""), email) if x)


def normalise_query(text: str) -> str:
    """The search text as a term: trimmed and lower-cased; a phone number loses blanks,
    dashes, brackets and a leading ``+`` or ``00``."""
    query = text.strip().lower()
    if "@" not in query and any(c.isdigit() for c in query):
        compact = "".join(c for c in query if c not in " -()\u00a0")
        if compact.startswith("+"):
            compact = compact[1:]
        elif compact.startswith("00") and len(compact) > 4:
            compact = compact[2:]
        if compact.isdigit():
            return compact
    return query


class UserIndex:
    """The users of every org synced on this machine. Safe to use from any thread, one
    call at a time (a lock serialises them)."""

    def __init__(self, connection: sqlite3.Connection, path: Path | None, org: str) -> None:
        self.org = org
        self._db = connection
        self.path = path
        self._lock = threading.RLock()

    @classmethod
    def open(cls, org: str, path: Path | None = None) -> "UserIndex":
        """The index of ``org`` at ``path`` (default :func:`index_path`)."""
        path = path or index_path(org)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(path.parent, 0o700)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        os.close(fd)
        os.chmod(path, 0o600)
        connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None,
                                     timeout=5.0)  # float-ok: seconds
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        return cls._ready(connection, path, org)

    @classmethod
    def memory(cls, org: str = "memory") -> "UserIndex":
        """An index in memory only."""
        connection = sqlite3.connect(":memory:", check_same_thread=False,
                                     isolation_level=None)
        return cls._ready(connection, None, org)

    @classmethod
    def _ready(cls, connection: sqlite3.Connection, path: Path | None,
               org: str) -> "UserIndex":
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, SCHEMA_VERSION):
            connection.close()
            raise sqlite3.DatabaseError(f"{path} has schema version {version}; move it "
                                        "aside and sync again")
        connection.executescript(_SCHEMA)
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        return cls(connection, path, org)

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._db.close()

    # -- writing -------------------------------------------------------------------

    def upsert_users(self, rows: Iterable[Mapping[str, Any]],
                     cursors: Mapping[str, str | None] | None = None) -> int:
        """Store ``query_user_list`` rows (replacing what the index had for them, KYC
        names kept) and ``cursors``, in one transaction; how many rows."""
        count = 0
        with self._lock:
            self._db.execute("BEGIN")
            try:
                for row in rows:
                    count += 1
                    self._put(row)
                self._set_cursors(cursors or {})
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return count

    def _put(self, row: Mapping[str, Any]) -> None:
        user_id = str(row["userId"])
        if not user_id.isdigit():
            raise ValueError(f"user id {user_id[:24]!r} is not a number")
        uid = int(user_id)
        values = {"user_id": user_id, "national_code": str(row.get("nationalCode") or ""),
                  "mobile": str(row.get("mobile") or ""), "email": str(row.get("email") or ""),
                  "register_type": _int(row.get("registerType")),
                  "verify_status": _int(row.get("verifyStatus")),
                  "invite_user_id": str(row.get("inviteUserId") or "0"),
                  "second_level_invite_user_id": str(row.get("secondLevelInviteUserId") or "0"),
                  "source": str(row.get("source") or ""),
                  "register_date": _int(row.get("registerDate"))}
        self._db.execute(
            "INSERT INTO users (uid, user_id, national_code, mobile, email, register_type,"
            " verify_status, invite_user_id, second_level_invite_user_id, source, register_date)"
            " VALUES (:uid, :user_id, :national_code, :mobile, :email, :register_type,"
            " :verify_status, :invite_user_id, :second_level_invite_user_id, :source,"
            " :register_date) ON CONFLICT (uid) DO UPDATE SET"
            " national_code = excluded.national_code, mobile = excluded.mobile,"
            " email = excluded.email, register_type = excluded.register_type,"
            " verify_status = excluded.verify_status, invite_user_id = excluded.invite_user_id,"
            " second_level_invite_user_id = excluded.second_level_invite_user_id,"
            " source = excluded.source, register_date = excluded.register_date",
            {"uid": uid, **values})
        self._refresh_words(uid)

    def _refresh_words(self, uid: int) -> None:
        row = self._db.execute("SELECT first_name, second_name, email FROM users WHERE uid = ?",
                               (uid,)).fetchone()
        self._db.execute("DELETE FROM users_fts WHERE rowid = ?", (uid,))
        terms = _terms({"first_name": row[0], "second_name": row[1], "email": row[2]})
        if terms:
            self._db.execute("INSERT INTO users_fts (rowid, terms) VALUES (?, ?)", (uid, terms))

    def upsert_kyc(self, rows: Iterable[Mapping[str, Any]],
                   cursors: Mapping[str, str | None] | None = None) -> int:
        """Store ``query_user_kyc_list`` rows on their users (a user not yet indexed gets a
        row of its own) and ``cursors``, in one transaction."""
        count = 0
        with self._lock:
            self._db.execute("BEGIN")
            try:
                for row in rows:
                    count += 1
                    user_id = str(row["userId"])
                    if not user_id.isdigit():
                        raise ValueError(f"user id {user_id[:24]!r} is not a number")
                    values = (str(row.get("firstName") or ""), str(row.get("secondName") or ""),
                              _int(row.get("verifyStatus")), _int(row.get("id")))
                    updated = self._db.execute(
                        "UPDATE users SET first_name = ?, second_name = ?, verify_status = ?,"
                        " kyc_id = ? WHERE uid = ?",
                        (*values, int(user_id))).rowcount
                    if not updated:
                        self._db.execute(
                            "INSERT INTO users (uid, user_id, first_name, second_name,"
                            " verify_status, kyc_id) VALUES (?, ?, ?, ?, ?, ?)",
                            (int(user_id), user_id, *values))
                    self._refresh_words(int(user_id))
                self._set_cursors(cursors or {})
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return count

    def bulk_load(self, rows: Iterable[tuple[Any, ...]]) -> int:
        """Fast load of ``(user_id, national_code, mobile, email, verify_status,
        register_date)`` tuples (benchmarks and first imports); one transaction."""
        count = 0
        with self._lock:
            self._db.execute("BEGIN")
            for user_id, code, mobile, email, status, date in rows:
                uid = int(user_id)
                self._db.execute(
                    "INSERT OR REPLACE INTO users (uid, user_id, national_code, mobile,"
                    " email, verify_status, register_date) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (uid, str(user_id), code, mobile, email, status, date))
                self._db.execute("DELETE FROM users_fts WHERE rowid = ?", (uid,))
                if email:
                    self._db.execute("INSERT INTO users_fts (rowid, terms) VALUES (?, ?)",
                                     (uid, _terms({"email": email})))
                count += 1
            self._db.execute("COMMIT")
        return count

    def _set_cursors(self, cursors: Mapping[str, str | None]) -> None:
        for name, value in cursors.items():
            self._db.execute("INSERT INTO cursors (name, value) VALUES (?, ?)"
                             " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                             (name, value))

    # -- reading -------------------------------------------------------------------

    def cursors(self) -> dict[str, str | None]:
        """The org's sync cursors by name."""
        with self._lock:
            return dict(self._db.execute("SELECT name, value FROM cursors").fetchall())

    def count(self) -> int:
        """How many users of ``org`` the index holds."""
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM users").fetchone()[0])

    def existing(self, user_ids: Iterable[str]) -> set[str]:
        """Which of ``user_ids`` the index holds (asked in chunks; non-digits never)."""
        wanted = sorted({int(u) for u in user_ids if str(u).isdigit() and int(u) < 2 ** 63})
        found: set[str] = set()
        with self._lock:
            for start in range(0, len(wanted), 900):
                chunk = wanted[start:start + 900]
                marks = ",".join("?" * len(chunk))
                found.update(str(row[0]) for row in self._db.execute(
                    f"SELECT uid FROM users WHERE uid IN ({marks})", chunk))
        return found

    def get(self, user_id: str) -> IndexedUser | None:
        """One user by uid, or None."""
        if not str(user_id).isdigit():
            return None
        with self._lock:
            found = self._rows("WHERE uid = ?", (int(user_id),))
        return found[0] if found else None

    def search(self, text: str, limit: int = 20) -> list[Match]:
        """Users matching ``text``, at most ``limit``: the exact uid; then exact mobile
        (with or without national code) or email; then uid, mobile and email prefixes
        (B-tree ranges, in that order, each in text order); then KYC names and email
        words starting with it (FTS5), newest first.

        Deterministic and stable under a longer ``limit``: ``search(text, n)`` is the
        first ``n`` of ``search(text, n + k)``, so a list pages on by asking again with a
        longer limit (the Users screen's "more matches")."""
        query = normalise_query(text)
        if not query or limit <= 0:
            return []
        results: list[Match] = []
        seen: set[str] = set()

        def add(users: list[IndexedUser], why: str) -> None:
            for user in users:
                if user.user_id not in seen and len(results) < limit:
                    seen.add(user.user_id)
                    results.append(Match(user, why))

        digits = query.isdigit()
        with self._lock:
            if digits and len(query) <= 19:
                add(self._rows("WHERE uid = ?", (int(query),)), "uid")
            if digits:
                add(self._rows("WHERE mobile_key = ? LIMIT ?", (query, limit)), "mobile")
                add(self._rows("WHERE full_mobile = ? LIMIT ?", (query, limit)), "mobile")
            elif "@" in query:
                add(self._rows("WHERE email_key = ? LIMIT ?", (query, limit)), "email")
            ranges = ((("user_id", "uid prefix"), ("mobile_key", "mobile prefix"),
                       ("full_mobile", "mobile prefix"), ("email_key", "email prefix"))
                      if digits else (("email_key", "email prefix"),))
            upper = _next_text(query)
            for column, why in ranges:
                if len(results) >= limit:
                    break
                add(self._rows(f"WHERE {column} >= ? AND {column} < ? ORDER BY {column} "
                               "LIMIT ?", (query, upper, limit)), why)
            # An email-like query is served by the email range above; its words (the
            # domain's "gmail", "com") would match most of the org in FTS5.
            words = [w for w in query.replace(".", " ").split() if w]
            if len(results) < limit and words and not digits and "@" not in query:
                term = " ".join('"' + w.replace('"', '""') + '"*' for w in words)
                # Newest first over every match (not the first ``limit`` by rowid, then
                # sorted): so a longer limit lists the same users first (paging).
                uids = [r[0] for r in self._db.execute(
                    "SELECT rowid FROM users_fts WHERE users_fts MATCH ?"
                    " ORDER BY rowid DESC LIMIT ?", (term, limit))]
                if uids:
                    marks = ",".join("?" * len(uids))
                    add(self._rows(f"WHERE uid IN ({marks}) ORDER BY uid DESC", tuple(uids)),
                        "name")
        return results

    def invitees(self, user_id: str, limit: int = 200) -> list[IndexedUser]:
        """Users whose inviter is ``user_id``, newest first."""
        with self._lock:
            return self._rows("WHERE invite_user_id = ? ORDER BY uid DESC LIMIT ?",
                              (str(user_id), limit))

    def _rows(self, where: str, args: tuple[Any, ...]) -> list[IndexedUser]:
        rows = self._db.execute(f"SELECT {', '.join(_COLUMNS)} FROM users {where}", args)
        return [IndexedUser(*row) for row in rows]


def _next_text(prefix: str) -> str:
    """The smallest text above every text starting with ``prefix``."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    text = str(value)
    return int(text) if text.lstrip("-").isdigit() else None
