"""Which approvals store to open: SQLite in the data directory by default, or the team's
store named by ``COINSOLE_TEAM_STORE`` (a URL; its scheme picks the factory).

A store module registers itself with :func:`register_store`, or is named in
:data:`LAZY_SCHEMES` so it is imported only when its scheme is used.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from pathlib import Path

from .identity import ApprovalsError
from .store import ApprovalStore

__all__ = ["STORE_ENV", "register_store", "open_store", "default_store_path", "LAZY_SCHEMES"]

STORE_ENV = "COINSOLE_TEAM_STORE"

StoreFactory = Callable[[str], ApprovalStore]
_FACTORIES: dict[str, StoreFactory] = {}

LAZY_SCHEMES: dict[str, str] = {
    "postgresql": "tui.approvals.store_pg",
    "postgres": "tui.approvals.store_pg",
}
"""scheme -> module that calls :func:`register_store` for it when imported."""


def register_store(scheme: str, factory: StoreFactory) -> None:
    """Open URLs of ``scheme`` (``postgresql``) with ``factory(url)``."""
    _FACTORIES[scheme.lower()] = factory


def default_store_path() -> Path:
    """``approvals.sqlite`` in the data directory."""
    from tui.paths import app_paths

    paths = app_paths()
    return paths.ensure(paths.data_dir) / "approvals.sqlite"


def _sqlite(url: str) -> ApprovalStore:
    from .store_sqlite import SqliteStore

    path = url.split("://", 1)[1] if "://" in url else url
    return SqliteStore(path or str(default_store_path()))


register_store("sqlite", _sqlite)


def open_store(url: str | None = None) -> ApprovalStore:
    """The store at ``url`` (default: ``COINSOLE_TEAM_STORE``, else the local SQLite file).

    A plain path or ``sqlite:///path`` is SQLite; another scheme needs its factory."""
    url = url if url is not None else os.environ.get(STORE_ENV, "").strip()
    if not url:
        return _sqlite(str(default_store_path()))
    scheme = url.split("://", 1)[0].lower() if "://" in url else "sqlite"
    if scheme not in _FACTORIES and scheme in LAZY_SCHEMES:
        try:
            importlib.import_module(LAZY_SCHEMES[scheme])
        except ImportError as exc:
            raise ApprovalsError(f"the {scheme} team store is not available here ({exc.name} "
                                 "missing)") from None
    factory = _FACTORIES.get(scheme)
    if factory is None:
        raise ApprovalsError(f"{STORE_ENV}: no store for {scheme}:// URLs; use a path, "
                             "sqlite:///path or postgresql://...")
    return factory(url)
