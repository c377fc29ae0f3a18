"""The BHEX sandbox's org: a deterministic population of users, generated lazily.

Every user is a pure function of ``(seed, index)``: registration, mobile or email, KYC
(states 0-3), inviters (trees two levels deep), the eight status flags, a GA seed, trade
and login passwords, OTC orders. Nothing is stored until something changes: support
writes (``set_ext_status``, KYC updates, passwords, GA binding, invite relations,
registrations) go into an overlay on top of the generated data, so an org of 1,000,000
users costs nothing until asked for.

User ids grow with the index (and so with the registration date); the three demo users
of :mod:`tui.sandbox.profiles` (who have balances, deposits, withdrawals and orders in the
ledger) are the newest generated users, and users registered later come after them.
"""

from __future__ import annotations

import base64
import hashlib
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from tui.sandbox.profiles import BHEX_DEMO_USER_ID, BHEX_OTHER_USER_IDS

__all__ = ["OrgDirectory", "OrgUser", "STATUS_FLAGS", "DEFAULT_ORG_USERS", "MAX_ORG_USERS",
           "trade_password_of", "login_password_of", "INVITE_WINDOW", "page_range"]

DEFAULT_ORG_USERS = 20_000
MAX_ORG_USERS = 1_000_000
STATUS_FLAGS = ("USER_STATUS", "SPOT_TRADE", "OPTION_TRADE", "CONTRACT_TRADE", "OTC_TRADE",
                "MONEY_OUTFLOW", "WITHDRAW_BROKER_AUDIT", "WITHDRAW_WHITE_LIST")
"""The document's status collection, in its order."""

GEN_BASE = 400_000_000_000_000_000
GEN_STEP = 7_919
KYC_BASE = 19_700
INVITE_BASE = 19_908
OTC_BASE = 231_321_131_600_000
FIRST_REGISTER_MS = 1_537_933_753_566
REGISTER_GAP_MS = 61_000
INVITE_WINDOW = 40
"""An invited user's inviter is one of the 40 users registered just before them."""
DEMO_USERS = (BHEX_DEMO_USER_ID, *BHEX_OTHER_USER_IDS)
_CODES = ("86", "86", "86", "1", "44", "65", "852")
_NAMES = ("li", "wang", "zhang", "chen", "liu", "yang", "huang", "zhao", "alice", "bob",
          "carol", "dave", "erin", "frank", "grace", "heidi")
_DOMAINS = ("gmail.com", "bhex.io", "qq.com", "163.com", "outlook.com")
_FIRST = ("张", "王", "李", "赵", "Alice", "Bob", "Carol", "Dmitri")
_SECOND = ("三", "伟", "芳", "", "Smith", "Jones", "Ivanov", "Lee")
_COUNTRIES = ("CN", "CN", "CN", "US", "GB", "SG", "HK", "RU")
_SOURCES = ("weixin", "web", "ios", "android", "")


def trade_password_of(user_id: str) -> str:
    """The sandbox user's trade password (plain text, for tests and demos only)."""
    from tui.sandbox.bhex_moves import DEMO_TRADE_PASSWORD

    return DEMO_TRADE_PASSWORD if user_id in DEMO_USERS else f"trade-{user_id[-6:]}"


def login_password_of(user_id: str) -> str:
    """The sandbox user's login password (plain text, for tests and demos only)."""
    return f"login-{user_id[-6:]}"


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


@dataclass
class OrgUser:
    """One user of the org, as the sandbox knows them (every field the endpoints show)."""

    index: int
    user_id: str
    register_date: int
    register_type: int
    national_code: str
    mobile: str
    email: str
    verify_status: int
    invite_index: int | None
    source: str
    first_name: str
    second_name: str
    country_code: str
    card_type: int
    card_no: str
    gender: int
    flags: dict[str, int]
    ga_seed: str | None
    trade_pwd_md5: str | None
    login_pwd_md5: str | None
    otc_orders: int
    third_user_id: str = ""
    invite_user_id: str = "0"
    second_level_invite_user_id: str = "0"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def invite_code(self) -> str:
        """A six-character invite code derived from the user id."""
        digest = hashlib.sha256(f"invite:{self.user_id}".encode()).digest()
        return base64.b64encode(digest).decode()[:6].replace("+", "x").replace("/", "y")


def page_range(lo: int, hi: int, *, from_given: bool, to_given: bool, limit: int) -> range:
    """The positions of one page over ascending positions ``lo..hi`` (exclusive ``hi``),
    newest (highest) first: the ``limit`` just above ``lo`` when only a ``to_id`` was
    given, else the ``limit`` just below ``hi``."""
    if hi <= lo or limit <= 0:
        return range(0)
    if to_given and not from_given:
        top = min(hi, lo + limit)
        return range(top - 1, lo - 1, -1)
    return range(hi - 1, max(lo, hi - limit) - 1, -1)


class _Ids(Sequence[int]):
    """The org's user ids by position, ascending (what :func:`bisect` searches)."""

    def __init__(self, directory: "OrgDirectory") -> None:
        self.directory = directory

    def __len__(self) -> int:
        return self.directory.count

    def __getitem__(self, position: Any) -> Any:
        return int(self.directory.user_id_at(position))


class _Dates(_Ids):
    def __getitem__(self, position: Any) -> Any:
        return self.directory.register_date_at(position)


class OrgDirectory:
    """The org's users: ``generated`` of them made up from ``seed``, plus those the
    sandbox registered since (``register``), plus support's changes to any of them."""

    def __init__(self, generated: int = DEFAULT_ORG_USERS, seed: int = 0, *,
                 clock_ms: Callable[[], int] | None = None) -> None:
        if not len(DEMO_USERS) <= generated <= MAX_ORG_USERS:
            raise ValueError(f"the org has between {len(DEMO_USERS)} and {MAX_ORG_USERS} users")
        self.generated = generated
        self.seed = seed
        self.clock_ms = clock_ms
        self._changed: dict[int, OrgUser] = {}
        self._registered: list[str] = []
        self._by_id: dict[str, int] = {}
        self._by_third: dict[str, int] = {}
        self._ga_pending: dict[str, str] = {}
        self.ids = _Ids(self)
        self.dates = _Dates(self)

    # -- positions and ids -----------------------------------------------------------

    @property
    def count(self) -> int:
        """How many users the org has now."""
        return self.generated + len(self._registered)

    def user_id_at(self, position: int) -> str:
        """The user id at ``position`` (0 oldest)."""
        demo_from = self.generated - len(DEMO_USERS)
        if position < 0 or position >= self.count:
            raise IndexError(position)
        if position < demo_from:
            return str(GEN_BASE + position * GEN_STEP)
        if position < self.generated:
            return DEMO_USERS[position - demo_from]
        return self._registered[position - self.generated]

    def register_date_at(self, position: int) -> int:
        """The registration time (ms) of the user at ``position``."""
        if position >= self.generated:
            return self.user(position).register_date
        return FIRST_REGISTER_MS + position * REGISTER_GAP_MS

    def position_of(self, user_id: str | int | None) -> int | None:
        """The position of ``user_id``, None when the org has no such user."""
        text = str(user_id or "")
        if not text.isdigit():
            return None
        if text in self._by_id:
            return self._by_id[text]
        position = bisect_left(self.ids, int(text))
        if position < self.count and self.user_id_at(position) == text:
            return position
        return None

    # -- users ---------------------------------------------------------------------

    def find(self, user_id: str | int | None) -> OrgUser | None:
        """The user with ``user_id``, or None."""
        position = self.position_of(user_id)
        return None if position is None else self.user(position)

    def user(self, position: int) -> OrgUser:
        """The user at ``position``: support's changed copy, else generated afresh."""
        changed = self._changed.get(position)
        return changed if changed is not None else self._generate(position)

    def save(self, user: OrgUser) -> None:
        """Keep ``user`` as changed by a write."""
        self._changed[user.index] = user

    def inviter_position(self, position: int) -> int | None:
        """Where the user at ``position`` was invited from (None: not invited)."""
        return self.user(position).invite_index

    def _generate(self, position: int) -> OrgUser:
        user_id = self.user_id_at(position)
        h = hashlib.sha256(f"bhex-org:{self.seed}:{position}".encode()).digest()
        register_type = 2 if h[0] % 3 == 0 else 1
        code = _CODES[h[1] % len(_CODES)] if register_type == 1 else ""
        mobile = (f"1{3 + h[2] % 7}{(position * 7919 + 1234567) % 10**9:09d}"
                  if register_type == 1 else "")
        name = _NAMES[h[3] % len(_NAMES)]
        email = (f"{name}{position}@{_DOMAINS[h[4] % len(_DOMAINS)]}"
                 if register_type == 2 or h[5] % 2 else "")
        kyc = h[6] % 10
        demo = user_id in DEMO_USERS
        verify = 2 if demo else 0 if kyc < 3 else 1 if kyc == 3 else 3 if kyc == 9 else 2
        invited = position >= INVITE_WINDOW and h[7] % 3 == 0
        inviter = position - 1 - h[8] % INVITE_WINDOW if invited else None
        flags = {"USER_STATUS": 0 if h[9] % 20 == 0 else 1,
                 "SPOT_TRADE": 0 if h[10] % 25 == 0 else 1,
                 "OPTION_TRADE": 0 if h[11] % 8 == 0 else 1,
                 "CONTRACT_TRADE": 0 if h[12] % 30 == 0 else 1,
                 "OTC_TRADE": 0 if h[13] % 25 == 0 else 1,
                 "MONEY_OUTFLOW": 0 if h[14] % 15 == 0 else 1,
                 "WITHDRAW_BROKER_AUDIT": 1 if h[15] % 10 == 0 else 0,
                 "WITHDRAW_WHITE_LIST": 1 if h[16] % 12 == 0 else 0}
        ga_seed = (base64.b32encode(hashlib.sha256(b"ga:" + h).digest()[:20]).decode()
                   if h[17] % 2 == 0 else None)
        user = OrgUser(
            index=position, user_id=user_id,
            register_date=FIRST_REGISTER_MS + position * REGISTER_GAP_MS,
            register_type=register_type, national_code=code, mobile=mobile, email=email,
            verify_status=verify, invite_index=inviter,
            source=_SOURCES[h[18] % len(_SOURCES)],
            first_name=_FIRST[h[19] % len(_FIRST)] if verify else "",
            second_name=_SECOND[h[19] % len(_SECOND)] if verify else "",
            country_code=_COUNTRIES[h[19] % len(_COUNTRIES)] if verify else "",
            card_type=1 + h[30] % 3 if verify else 0,
            card_no=f"{int.from_bytes(h[24:32], 'big') % 10**18:018d}" if verify else "",
            gender=1 + h[31] % 2,
            flags=flags, ga_seed=ga_seed,
            trade_pwd_md5=(_md5(trade_password_of(user_id)) if demo or h[23] % 4 else None),
            login_pwd_md5=_md5(login_password_of(user_id)),
            otc_orders=h[22] % 4)
        self._link_inviters(user)
        return user

    def _link_inviters(self, user: OrgUser) -> None:
        if user.invite_index is None:
            user.invite_user_id = user.second_level_invite_user_id = "0"
            return
        user.invite_user_id = self.user_id_at(user.invite_index)
        second = self.inviter_position(user.invite_index)
        user.second_level_invite_user_id = "0" if second is None else self.user_id_at(second)

    # -- invitations ---------------------------------------------------------------

    def direct_invitees(self, position: int) -> list[int]:
        """Positions of the users ``position`` invited directly, oldest first."""
        end = min(self.count, position + INVITE_WINDOW + 1)
        found = [p for p in range(position + 1, min(end, self.generated))
                 if self.inviter_position(p) == position]
        found += [p for p in range(self.generated, self.count)
                  if self.inviter_position(p) == position]
        found += [p for p, u in self._changed.items()
                  if p < self.generated and u.invite_index == position and p not in found]
        return sorted(set(found))

    def invitees(self, position: int) -> list[tuple[int, int]]:
        """``(invitee position, invite type)``: 1 direct, 2 indirect (their invitees)."""
        rows = []
        for direct in self.direct_invitees(position):
            rows.append((direct, 1))
            rows += [(p, 2) for p in self.direct_invitees(direct)]
        return sorted(rows)

    # -- writes --------------------------------------------------------------------

    def register(self, *, register_type: int, national_code: str = "", mobile: str = "",
                 email: str = "", password_md5: str | None = None,
                 inviter: int | None = None, third_user_id: str = "",
                 now_ms: int) -> OrgUser:
        """A new user, newer (a larger id) than everyone already in the org."""
        last = int(self.user_id_at(self.count - 1))
        user_id = str(max(last + 1, int(BHEX_OTHER_USER_IDS[-1]) + 1))
        position = self.count
        self._registered.append(user_id)
        self._by_id[user_id] = position
        user = OrgUser(
            index=position, user_id=user_id, register_date=now_ms,
            register_type=register_type, national_code=national_code, mobile=mobile,
            email=email, verify_status=0, invite_index=inviter,
            source="org_api", first_name="", second_name="", country_code="", card_type=0,
            card_no="", gender=0, flags={name: (0 if name.startswith("WITHDRAW_") else 1)
                                         for name in STATUS_FLAGS},
            ga_seed=None, trade_pwd_md5=None, login_pwd_md5=password_md5, otc_orders=0,
            third_user_id=third_user_id)
        self._link_inviters(user)
        self.save(user)
        if third_user_id:
            self._by_third[third_user_id] = position
        return user

    def by_third_user_id(self, third_user_id: str) -> OrgUser | None:
        """The user simple-registered under ``third_user_id``, or None."""
        position = self._by_third.get(third_user_id)
        return None if position is None else self.user(position)

    def rebuild_invite(self, user: OrgUser, inviter: int) -> OrgUser:
        """Set the inviter of a user who has none."""
        changed = replace(user, invite_index=inviter)
        self._link_inviters(changed)
        self.save(changed)
        return changed

    def change(self, user: OrgUser, **fields: Any) -> OrgUser:
        """A copy of ``user`` with ``fields`` changed, kept."""
        changed = replace(user, **{"flags": dict(user.flags), **fields})
        self.save(changed)
        return changed

    def pending_ga(self, user_id: str, secret: str | None = None) -> str | None:
        """Remember (``secret`` given) or recall the GA key handed out by ``get_ga_key``."""
        if secret is not None:
            self._ga_pending[user_id] = secret
        return self._ga_pending.get(user_id)

    # -- listings ------------------------------------------------------------------

    def positions_between(self, *, from_id: int | None, to_id: int | None,
                          start_time: int | None, end_time: int | None) -> tuple[int, int]:
        """The ascending position range whose ids and registration times fit the bounds
        (ids exclusive, times closed)."""
        lo, hi = 0, self.count
        if from_id is not None:
            hi = min(hi, bisect_left(self.ids, from_id))
        if to_id is not None:
            lo = max(lo, bisect_right(self.ids, to_id))
        if start_time is not None:
            lo = max(lo, bisect_left(self.dates, start_time))
        if end_time is not None:
            hi = min(hi, bisect_right(self.dates, end_time))
        return lo, hi

    def walk_down(self, hi: int, lo: int) -> Iterator[OrgUser]:
        """Users from position ``hi - 1`` down to ``lo``."""
        for position in range(hi - 1, lo - 1, -1):
            yield self.user(position)
