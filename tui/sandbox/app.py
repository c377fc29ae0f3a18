"""The sandbox: five simulated venues over one ledger, served by one Starlette app."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from starlette.applications import Starlette

from tui.sandbox.bhex import BhexService
from tui.sandbox.bhex_finance import bhex_finance_routes
from tui.sandbox.bhex_history import bhex_history_routes
from tui.sandbox.bhex_stats import bhex_stats_routes
from tui.sandbox.bhex_payments import bhex_payment_routes
from tui.sandbox.bhex_settings import bhex_settings_routes
from tui.sandbox.bhex_org import DEFAULT_ORG_USERS, OrgDirectory
from tui.sandbox.bhex_trading import bhex_trading_routes
from tui.sandbox.bhex_users import bhex_user_routes
from tui.sandbox.bitunix import BitunixService
from tui.sandbox.bitz import BitzService
from tui.sandbox.chainup import ChainupService
from tui.sandbox.chainup_org import GeneratedOrg
from tui.sandbox.demo import DEFAULT_SEED, DemoProfile, demo_profiles, populate
from tui.sandbox.faults import FaultPlan
from tui.sandbox.fcoin import FcoinService
from tui.sandbox.ledger import Ledger
from tui.sandbox.service import VenueService

__all__ = ["Sandbox", "SERVICES"]

SERVICES: tuple[type[VenueService], ...] = (
    FcoinService, BitunixService, BitzService, ChainupService, BhexService)
"""Every simulated venue, in the order of :data:`tui.core.models.VENUE_IDS`."""


class Sandbox:
    """The five venues simulated over one SQLite ledger, as an ASGI app.

    ``db_path`` ``None`` keeps the ledger in memory; a path keeps it on disk (demo data is
    written only into an empty database). ``seed`` fixes the demo keys, data and fault
    randomness; ``clock`` (seconds since the epoch) is the venues' clock, used for
    timestamp checks, rate limits and the demo data's update times.

    ``chainup_users`` replaces ChainUp's demo rows by a generated org of that many users
    (:class:`~tui.sandbox.chainup_org.GeneratedOrg`, ``chainup_churn`` rows changed per
    page served); ``chainup_rate`` (requests, seconds) replaces ChainUp's request limit.

    ``app`` serves ``/fcoin``, ``/bitunix``, ``/bitz``, ``/chainup`` and ``/bhex`` and needs
    no lifespan; ``faults`` is the :class:`FaultPlan`; ``profiles`` the demo credentials;
    ``bhex_org`` the BHEX org's ``bhex_users`` users (:mod:`tui.sandbox.bhex_org`).
    """

    def __init__(self, db_path: str | os.PathLike[str] | None = None, *,
                 seed: int = DEFAULT_SEED,
                 clock: Callable[[], float] = time.time,  # float-ok: clock
                 bhex_users: int = DEFAULT_ORG_USERS,
                 chainup_users: int | None = None, chainup_churn: int = 0,
                 chainup_rate: tuple[int, int] | None = None) -> None:
        self.seed = seed
        self.clock = clock
        self.ledger = Ledger(db_path)
        self.faults = FaultPlan(seed)
        self.profiles: tuple[DemoProfile, ...] = demo_profiles(seed)
        if self.ledger.is_empty():
            populate(self.ledger, seed=seed, now_ms=int(clock() * 1000))  # float-ok: clock
        self.bhex_org = OrgDirectory(bhex_users, seed)
        self.services = {cls.venue: cls(self.ledger, self.faults, clock) for cls in SERVICES}
        self.services["bhex"].org = self.bhex_org  # type: ignore[attr-defined]
        if chainup_users is not None:
            org = GeneratedOrg(chainup_users, seed=seed, churn=chainup_churn,
                               clock_ms=self.services["chainup"].now_ms)
            self.services["chainup"].serve_generated(org, chainup_rate)  # type: ignore[attr-defined]
        self.app = Starlette(routes=[route for service in self.services.values()
                                     for route in service.routes()]
                             + bhex_trading_routes(self.services["bhex"])
                             + bhex_history_routes(self.services["bhex"])
                             + bhex_stats_routes(self.services["bhex"])
                             + bhex_payment_routes(self.services["bhex"])
                             + bhex_settings_routes(self.services["bhex"])
                             + bhex_finance_routes(self.services["bhex"])
                             + bhex_user_routes(self.services["bhex"], self.bhex_org))

    def profile(self, venue: str) -> DemoProfile:
        """The demo credential for ``venue`` (``KeyError`` for an unknown venue)."""
        for profile in self.profiles:
            if profile.venue == venue:
                return profile
        raise KeyError(venue)

    def close(self) -> None:
        """Close the ledger."""
        self.ledger.close()
