"""Which approvals store to open: SQLite in the data directory (one operator, the default) or
the team's PostgreSQL server (a ``postgresql://`` URL).

Where the URL comes from, first found wins: the argument, ``COINSOLE_TEAM_STORE``, then
``team.toml`` in the config directory (written by ``coinsole team connect``). A URL saved
there never holds a password: libpq reads it from ``~/.pgpass`` or ``PGPASSWORD``.
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tui.core.errors import ConfigError
from tui.paths import app_paths

from .store import ApprovalStore

__all__ = ["STORE_ENV", "TEAM_FILE", "Location", "is_postgres", "resolve", "open_store",
           "save_url", "forget_url", "saved_url", "describe", "check_url", "default_path"]

STORE_ENV = "COINSOLE_TEAM_STORE"
TEAM_FILE = "team.toml"
_SCHEMES = ("postgresql://", "postgres://")


@dataclass(frozen=True)
class Location:
    """Where the store is (``target``: a path or URL) and which setting named it
    (``source``: argument, env, config or default)."""
    target: str
    source: str

    @property
    def postgres(self) -> bool:
        """True for the PostgreSQL team store."""
        return is_postgres(self.target)


def is_postgres(target: str) -> bool:
    """True when ``target`` is a postgresql:// (or postgres://) URL."""
    return target.lower().startswith(_SCHEMES)


def describe(target: str) -> str:
    """``target`` fit to print: a path as is, a URL as ``postgresql://host:port/db``."""
    if not is_postgres(target):
        return target
    from .store_postgres import redact_url

    return "postgresql://" + redact_url(target)


def check_url(url: str) -> str:
    """The URL stripped, or a ConfigError saying what is wrong with it (one line, no secret)."""
    url = url.strip()
    if not is_postgres(url):
        raise ConfigError("the team store URL must start with postgresql:// "
                          "(e.g. postgresql://ann@db.example:5432/coinsole)")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise ConfigError("the team store URL is malformed; use "
                          "postgresql://USER@HOST:PORT/DATABASE") from None
    if parts.password or "password" in parse_qs(parts.query):
        raise ConfigError("the team store URL holds a password; put it in ~/.pgpass or "
                          "PGPASSWORD instead, the URL is saved in the config directory")
    return url


def default_path() -> Path:
    """The single-operator SQLite store: ``approvals.sqlite`` in the data directory."""
    paths = app_paths()
    return paths.ensure(paths.data_dir) / "approvals.sqlite"


def _team_file() -> Path:
    return app_paths().config_dir / TEAM_FILE


def saved_url() -> str | None:
    """The URL saved by ``coinsole team connect``, or None."""
    try:
        data = tomllib.loads(_team_file().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read {_team_file()}: {exc}; fix or delete it") from None
    url = data.get("store")
    return url if isinstance(url, str) and url.strip() else None


def save_url(url: str) -> Path:
    """Save ``url`` (checked: no password) to team.toml atomically, mode 0600."""
    import tomli_w

    url = check_url(url)
    paths = app_paths()
    directory = paths.ensure(paths.config_dir)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".team-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(tomli_w.dumps({"store": url}).encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, _team_file())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return _team_file()


def forget_url() -> bool:
    """Delete team.toml; True when there was one."""
    try:
        _team_file().unlink()
    except FileNotFoundError:
        return False
    return True


def resolve(url_or_path: str | None = None) -> Location:
    """Where the approvals store is, and which setting said so."""
    if url_or_path:
        return Location(url_or_path, "argument")
    env = os.environ.get(STORE_ENV, "").strip()
    if env:
        return Location(env, "env")
    saved = saved_url()
    if saved:
        return Location(saved, "config")
    return Location(str(default_path()), "default")


def open_store(url_or_path: str | None = None, *, retry_for: float | None = None) -> ApprovalStore:  # float-ok: seconds
    """The approvals store: PostgreSQL for a postgresql:// URL, else SQLite at the path
    (``sqlite:///path`` accepted); see :func:`resolve` for the default. ``retry_for``:
    how long a PostgreSQL call keeps reconnecting (seconds; the store's default when None)."""
    target = resolve(url_or_path).target
    if is_postgres(target):
        from .store_postgres import PostgresStore

        return PostgresStore(target) if retry_for is None else PostgresStore(target, retry_for=retry_for)
    from .store_sqlite import SqliteStore

    if target.startswith("sqlite://"):
        target = target[len("sqlite://"):] or str(default_path())
    return SqliteStore(target)
