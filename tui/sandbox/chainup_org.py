"""A ChainUp org of any size, generated on demand (``coinsole sandbox serve --chainup-users N``).

Nothing is stored per row: account ``id`` *i* (1-based, dense) belongs to user
``i // ROWS_PER_USER`` and is that user's slot ``i % ROWS_PER_USER``; its coin, type and
balance come from a seeded hash of *i*. A page of ``batchQueryUserAccountsByStartId`` is
computed when asked for, so a million-row org costs no memory and starts at once.

Churn: with ``churn`` > 0, every page served changes ``churn`` rows picked by the seed
(anywhere in the org, also behind the pages already read): their balance moves and their
``updateTime`` becomes the venue's clock, so ``batchQueryUserAccountsByUpdateTime`` returns
them. The changed rows are the only state kept (a dict of overrides).

Read ahead: after serving a page of ``batchQueryUserAccountsByStartId``, the next page (the
one a client paging by id asks for next) is written in a background thread while the
client reads the first, as a database server's read-ahead would. It is served only if it
is asked for before any row changed (the churn generation is part of its key), so what a
client gets is the same with or without it; the simulator's own cost stays out of the
client's figures (``bench/orgscale.py``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

__all__ = ["GeneratedOrg", "ROWS_PER_USER", "FIRST_UID"]

ROWS_PER_USER = 4
FIRST_UID = 30_000_000
_HOUR_MS = 3600 * 1000
_MASK = (1 << 64) - 1

# Slot -> (coin, account type): BTC normal and frozen, USDT normal, then one more coin.
_FIXED_SLOTS = (("BTC", "201101"), ("BTC", "202101"), ("USDT", "201106"))
_EXTRA = (("ETH", "201103"), ("DOGE", "2016002"), ("BTC1658", "20111127"),
          ("USDT1658", "20111128"), ("TRX", "207110"), ("USDT", "217106"),
          ("USDT", "218106"), ("BTC", "230101"), ("ETH", "210103"), ("BTC", "221101"))
_FIELDS = ("uid", "showName", "balance", "updateTime", "id", "type", "coin")
_ROW_TEXT = ('{{"uid":"{}","showName":"{}","balance":"{}","updateTime":"{}","id":"{}",'
             '"type":"{}","coin":"{}"}}')
_SPREAD_MS = 20 * _HOUR_MS
SHOW_NAMES = {"BTC1658": "BTC", "USDT1658": "USDT"}
"""``showName`` where it differs from ``coin`` (as in the document's first example)."""
_DECIMALS = {"BTC": 8, "BTC1658": 16, "ETH": 18, "USDT": 10, "USDT1658": 16, "DOGE": 8,
             "TRX": 6}


def _mix(value: int) -> int:
    """splitmix64: a fast, well-spread 64-bit hash."""
    value = (value + 0x9E3779B97F4A7C15) & _MASK
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & _MASK
    return value ^ (value >> 31)


def _balance(coin: str, bits: int) -> str:
    """A balance string with the coin's decimals: mostly small, some zero, a few huge."""
    decimals = _DECIMALS.get(coin, 8)
    shape = bits & 0xF
    if shape == 0:
        return "0"
    magnitude = (bits >> 4) % (10 ** (3 + (shape % 5) * 2))
    fraction = (bits >> 20) % (10 ** decimals)
    if shape == 15:  # a whale: many integer digits
        magnitude = magnitude * 1_000_000 + (bits >> 40)
    return f"{magnitude}.{fraction:0{decimals}d}"


@dataclass(frozen=True)
class _Override:
    balance: str
    update_ms: int


class GeneratedOrg:
    """``users`` users with :data:`ROWS_PER_USER` account rows each, from ``seed``.

    ``clock_ms`` is the venue's clock (ms). Every base row's ``updateTime`` lies between
    ``1 h`` and ``21 h`` before the org was made, so an incremental query finds only the
    rows churned since. Thread-safe (a lock guards the overrides).
    """

    def __init__(self, users: int, *, seed: int = 1, churn: int = 0,
                 clock_ms: Callable[[], int], read_ahead: bool = True) -> None:
        if users < 0:
            raise ValueError("users must be >= 0")
        self.users = users
        self.rows = users * ROWS_PER_USER
        self.seed = seed
        self.churn = churn
        self.clock_ms = clock_ms
        self.made_ms = clock_ms()
        self._base_newest = self.made_ms - _HOUR_MS
        self._salt = seed * 0x1000003
        self._overrides: dict[int, _Override] = {}
        self._generation = 0
        self._lock = threading.Lock()
        self._ahead: tuple[tuple[int, int, int], bytes] | None = None
        """The page read ahead: ``((first id, last id, churn generation), body)``."""
        self._reader: ThreadPoolExecutor | None = None
        self._reading: Future[None] | None = None
        self.read_ahead = read_ahead
        self.pages_read_ahead = 0
        """How many pages were served from the read-ahead."""

    # -- one row --------------------------------------------------------------------

    def row(self, account_id: int) -> dict[str, str]:
        """Account ``account_id`` (1..rows) as the venue sends it."""
        return dict(zip(_FIELDS, self._fields(account_id)))

    def _fields(self, account_id: int) -> tuple[str, ...]:
        """Row ``account_id``'s field values, in :data:`_FIELDS` order."""
        user, slot = divmod(account_id - 1, ROWS_PER_USER)
        bits = _mix(self._salt + account_id)
        if slot < 3:
            coin, type_ = _FIXED_SLOTS[slot]
        else:
            coin, type_ = self._extra(user)
        changed = self._overrides.get(account_id) if self._overrides else None
        if changed is not None:
            balance, update_ms = changed.balance, changed.update_ms
        else:
            balance = _balance(coin, bits)
            update_ms = self._base_newest - (bits >> 8) % _SPREAD_MS
        return (str(FIRST_UID + user), SHOW_NAMES.get(coin, coin), balance, str(update_ms),
                str(account_id), type_, coin)

    def _extra(self, user: int) -> tuple[str, str]:
        coin, type_ = _EXTRA[_mix(self.seed + user) % len(_EXTRA)]
        if (coin, type_[:3]) in (("BTC", "201"), ("BTC", "202"), ("USDT", "201")):
            return _EXTRA[0]
        return coin, type_

    # -- the two queries ------------------------------------------------------------

    def after_id(self, start_id: int, limit: int) -> list[dict[str, str]]:
        """Rows with ``id > start_id`` by id, at most ``limit``; then churn (if set)."""
        with self._lock:
            first = max(start_id, 0) + 1
            last = min(self.rows, first + limit - 1)
            rows = [self.row(i) for i in range(first, last + 1)]
            self._churn()
            return rows

    def after_id_text(self, start_id: int, limit: int) -> bytes:
        """:meth:`after_id`'s reply body, written straight from the fields (every value
        is digits or a coin name, so nothing needs escaping); the page after it is read
        ahead (see the module)."""
        with self._lock:
            first = max(start_id, 0) + 1
            last = min(self.rows, first + limit - 1)
            ahead, self._ahead = self._ahead, None
            if ahead is not None and ahead[0] == (first, last, self._generation):
                body = ahead[1]
                self.pages_read_ahead += 1
            else:
                body = self._page_text(first, last)
            self._churn()
        if self.read_ahead and last < self.rows:
            if self._reader is None:
                self._reader = ThreadPoolExecutor(1, thread_name_prefix="org-read-ahead")
            self._reading = self._reader.submit(self._read_ahead, last + 1,
                                                min(self.rows, last + limit))
        return body

    def wait_read_ahead(self) -> None:
        """Wait until the page being read ahead (if any) is ready."""
        if self._reading is not None:
            self._reading.result()

    def _page_text(self, first: int, last: int) -> bytes:
        fmt, fields = _ROW_TEXT.format, self._fields
        body = ",".join([fmt(*fields(i)) for i in range(first, last + 1)])
        return b'{"code":"0","msg":"suc","data":{"accounts":[' + body.encode() + b"]}}"

    def _read_ahead(self, first: int, last: int) -> None:
        with self._lock:
            generation = self._generation
            if self._ahead is None or self._ahead[0] != (first, last, generation):
                self._ahead = ((first, last, generation), self._page_text(first, last))

    def updated_after(self, update_time: int) -> list[dict[str, str]]:
        """Rows with ``updateTime > update_time``, by update time then id. Only the
        churned rows unless ``update_time`` reaches back into the base rows' hours
        (then the whole org is scanned: slow, but still exact)."""
        with self._lock:
            if update_time < self._base_newest:
                rows = [self.row(i) for i in range(1, self.rows + 1)]
                rows = [r for r in rows if int(r["updateTime"]) > update_time]
            else:
                rows = [self.row(i) for i, o in self._overrides.items()
                        if o.update_ms > update_time]
            rows.sort(key=lambda r: (int(r["updateTime"]), int(r["id"])))
            return rows

    def _churn(self) -> None:
        if not self.churn or not self.rows:
            return
        self._generation += 1
        now = self.clock_ms()
        for k in range(self.churn):
            bits = _mix((self.seed << 32) ^ (self._generation * 7919 + k))
            account_id = 1 + bits % self.rows
            coin = self.row(account_id)["coin"]
            self._overrides[account_id] = _Override(_balance(coin, _mix(bits)), now)

    # -- replies --------------------------------------------------------------------

    @staticmethod
    def reply_text(rows: list[dict[str, str]]) -> bytes:
        """The venue's reply body for ``rows``: every field is a string, so the C JSON
        encoder writes it exactly."""
        return json.dumps({"code": "0", "msg": "suc", "data": {"accounts": rows}},
                          separators=(",", ":")).encode()
