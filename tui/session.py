"""A session: the configured profiles, their adapters, and loading balances from them.

The TUI and the CLI both work through a :class:`Session`. Each profile is loaded on its
own, so a slow or failing venue never holds up or takes down another.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from typing import TYPE_CHECKING

from tui.config import Profile
from tui.core.credentials import Credentials
from tui.core.errors import CoinsoleError, VenueUnavailable
from tui.core.models import Balance
from tui.credentials import credentials_from_env

if TYPE_CHECKING:
    import httpx

    from tui.venues.base import Venue

__all__ = ["Session", "ProfileResult", "CredentialSource"]

CredentialSource = Callable[[Profile], Credentials]
"""Returns the credentials for a profile, or raises :class:`CoinsoleError` saying why not."""


@dataclass
class ProfileResult:
    """What loading one profile produced: its balances, or the error that stopped it."""

    profile: Profile
    balances: list[Balance] = field(default_factory=list)
    error: CoinsoleError | None = None

    @property
    def ok(self) -> bool:
        """True when the profile loaded without error."""
        return self.error is None


class Session:
    """Owns one adapter per profile for as long as the app or command runs.

    ``transport`` routes every adapter through one httpx transport (the in-process
    sandbox for ``--demo``); ``credentials`` supplies each profile's key and secret.
    """

    def __init__(
        self,
        profiles: Iterable[Profile],
        *,
        credentials: CredentialSource | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 10.0,  # float-ok: seconds
    ) -> None:
        self.profiles = list(profiles)
        self._credentials = credentials or (lambda p: credentials_from_env(p.name))
        self._transport = transport
        self._timeout = timeout
        self._adapters: dict[str, Venue] = {}
        self.acting_for: dict[str, str] = {}
        """Profile name -> the org user its adapter acts for instead of the profile's own
        (the support desk's acting-for; see :meth:`act_for`)."""

    @property
    def credentials(self) -> CredentialSource:
        """Where each profile's credentials come from (the TUI wraps it to explain a locked
        vault). Setting it takes effect for adapters created afterwards."""
        return self._credentials

    @credentials.setter
    def credentials(self, source: CredentialSource) -> None:
        self._credentials = source

    @property
    def transport(self) -> httpx.AsyncBaseTransport | None:
        """The transport every adapter shares (the in-process sandbox for the demo), or
        None for the network."""
        return self._transport

    def profile(self, name: str) -> Profile:
        """The profile called ``name``."""
        for profile in self.profiles:
            if profile.name == name:
                return profile
        raise CoinsoleError(f"no profile named {name!r}")

    def adapter(self, name: str) -> Venue:
        """The adapter for profile ``name``, created on first use."""
        adapter = self._adapters.get(name)
        if adapter is None:
            # The venue layer (and httpx under it) loads with the first adapter: after the
            # app has painted, never before.
            from tui.venues.base import VenueSettings
            from tui.venues.registry import adapter_class

            profile = self.profile(name)
            settings = VenueSettings(
                profile=profile.name,
                base_url=profile.base_url,
                user_id=self.acting_for.get(name, profile.user_id),
                timeout=self._timeout,
                transport=self.transport,
            )
            adapter = adapter_class(profile.venue)(settings, self._credentials(profile))
            self._adapters[name] = adapter
        return adapter

    def act_for(self, name: str, user_id: str | None) -> str | None:
        """Make profile ``name`` (an org API: BHEX) act for ``user_id`` on every screen and
        command that reads through its adapter; ``None`` or the profile's own user id goes
        back to the profile's own. Returns the user id now acted for (None: the own)."""
        import dataclasses

        profile = self.profile(name)
        if profile.venue != "bhex":
            raise CoinsoleError(f"profile {name!r} is not a BHEX profile: only an org API "
                                "acts for its users")
        if user_id is None or user_id == profile.user_id:
            self.acting_for.pop(name, None)
        else:
            self.acting_for[name] = user_id
        adapter = self._adapters.get(name)
        if adapter is not None:
            adapter.settings = dataclasses.replace(
                adapter.settings, user_id=self.acting_for.get(name, profile.user_id))
        return self.acting_for.get(name)

    def shown_user(self, name: str) -> str | None:
        """The user whose data profile ``name`` reads now: the one acted for, else the
        profile's own."""
        return self.acting_for.get(name, self.profile(name).user_id)

    async def load_balances(self, name: str, *,
                            bound: float | None = None) -> ProfileResult:  # float-ok: seconds
        """Balances of one profile; errors are captured in the result, never raised.

        ``bound`` caps the whole load in seconds (every request, retry and wait): past
        it the profile fails with :class:`VenueUnavailable`."""
        profile = self.profile(name)
        try:
            async with asyncio.timeout(bound):
                balances = await self.adapter(name).balances()
        except TimeoutError:
            return ProfileResult(profile, error=VenueUnavailable(
                profile.venue, f"no balances within {bound:g} s"))
        except CoinsoleError as exc:
            return ProfileResult(profile, error=exc)
        return ProfileResult(profile, balances=balances)

    async def load_all(self, names: Iterable[str] | None = None, *,
                       bound: float | None = None) -> list[ProfileResult]:  # float-ok: seconds
        """Balances of every profile (or of ``names``), loaded concurrently, in order,
        each within ``bound`` seconds when given."""
        wanted = list(names) if names is not None else [p.name for p in self.profiles]
        return list(await asyncio.gather(*(self.load_balances(n, bound=bound)
                                           for n in wanted)))

    async def aclose(self) -> None:
        """Close every adapter's connections."""
        adapters, self._adapters = list(self._adapters.values()), {}
        await asyncio.gather(*(a.aclose() for a in adapters), return_exceptions=True)
