"""The per-profile status strip: one small cell per profile saying loading, ok, or failed."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

from textual.app import ComposeResult
from textual.containers import Grid
from textual.reactive import reactive
from textual.widgets import Static

__all__ = ["LoadState", "ProfileStatus", "ProfileStatusStrip"]

_SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


class LoadState(str, Enum):
    """Where one profile's loading stands."""

    IDLE = "idle"
    LOADING = "loading"
    OK = "ok"
    ERROR = "error"


class ProfileStatus(Static):
    """One profile's state: a spinner while loading, ``ok · N balances``, or its error.

    The state is shown through the ``-loading``/``-ok``/``-error`` classes so colours
    come from the theme; the full error text is also the cell's tooltip.
    """

    DEFAULT_CSS = """
    ProfileStatus {
        width: 1fr;
        height: 1;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        color: $text-muted;
    }
    ProfileStatus.-loading { color: $warning; }
    ProfileStatus.-ok { color: $success; }
    ProfileStatus.-error { color: $error; text-style: bold; }
    """

    state: reactive[LoadState] = reactive(LoadState.IDLE)

    def __init__(self, profile: str, venue: str) -> None:
        super().__init__(id=f"status-{_css_id(profile)}", markup=False)
        self.profile = profile
        self.venue = venue
        self.count = 0
        self.message = ""
        self._frame = 0
        self._timer = None

    def set_loading(self, cached_age: str | None = None) -> None:
        """Show the profile as loading (the spinner turns until a result arrives); with
        ``cached_age``, say that the balances shown meanwhile are that old."""
        self.message = f"showing balances cached {cached_age}" if cached_age else ""
        self.state = LoadState.LOADING

    def set_ok(self, count: int) -> None:
        """Show the profile as loaded with ``count`` balances."""
        self.count, self.message = count, ""
        self.state = LoadState.OK

    def set_error(self, message: str) -> None:
        """Show the profile as failed with ``message``."""
        self.message = message
        self.state = LoadState.ERROR

    def watch_state(self, state: LoadState) -> None:
        for member in LoadState:
            self.set_class(state is member, f"-{member.value}")
        if state is LoadState.LOADING and self._timer is None:
            self._timer = self.set_interval(0.1, self._spin)
        elif state is not LoadState.LOADING and self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.tooltip = self.message or None
        self._refresh_text()

    def _spin(self) -> None:
        self._frame = (self._frame + 1) % len(_SPINNER)
        self._refresh_text()

    def _refresh_text(self) -> None:
        name = self.profile
        if self.state is LoadState.LOADING:
            text = (f"{_SPINNER[self._frame]} {name} cached "
                    f"{self.message.removeprefix('showing balances cached ')}"
                    if self.message else f"{_SPINNER[self._frame]} {name} loading…")
        elif self.state is LoadState.OK:
            text = f"✓ {name} ok · {self.count} balance{'s' if self.count != 1 else ''}"
        elif self.state is LoadState.ERROR:
            text = f"✗ {name}: {self.message}"
        else:
            text = f"· {name}"
        self.update(text)


class ProfileStatusStrip(Grid):
    """:class:`ProfileStatus` cells, one per profile in profile order, three to a line."""

    DEFAULT_CSS = """
    ProfileStatusStrip {
        grid-size: 3;
        grid-columns: 1fr;
        grid-rows: 1;
        height: auto;
        background: $panel;
    }
    """

    def __init__(self, profiles: Iterable[tuple[str, str]], **kwargs) -> None:
        super().__init__(**kwargs)
        self._profiles = list(profiles)

    def compose(self) -> ComposeResult:
        for name, venue in self._profiles:
            yield ProfileStatus(name, venue)

    def status(self, profile: str) -> ProfileStatus:
        """The cell of ``profile``."""
        return self.query_one(f"#status-{_css_id(profile)}", ProfileStatus)


def _css_id(name: str) -> str:
    """A DOM id fragment for a profile name (names may hold '.', which ids may not)."""
    return "".join(c if c.isalnum() or c in "-_" else f"_{ord(c):x}_" for c in name)
