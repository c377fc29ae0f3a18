"""The per-profile status strip: one small cell per profile saying loading, ok, or failed.

The strip is a single widget that draws every cell itself, three to a line, so a state
change or a spinner tick is one repaint of one widget rather than a restyle of a child
per profile.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual import events
from textual.content import Content
from textual.geometry import Size
from textual.strip import Strip
from textual.style import Style
from textual.timer import Timer
from textual.widget import Widget

__all__ = ["LoadState", "ProfileStatus", "ProfileStatusStrip"]

_SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
_COLUMNS = 3
_CACHED_PREFIX = "showing balances cached "


class LoadState(str, Enum):
    """Where one profile's loading stands."""

    IDLE = "idle"
    LOADING = "loading"
    OK = "ok"
    ERROR = "error"
    STALE = "stale"
    """The last load failed; the rows shown are older ones (marked with their age)."""
    LOCKED = "locked"
    """The profile's credentials are in the locked vault; rows shown are older ones."""


class ProfileStatus:
    """One profile's cell in a :class:`ProfileStatusStrip`: a spinner while loading,
    ``ok · N balances``, or its error.

    The setters record the new state and ask the strip to repaint; the strip draws the
    cell from :meth:`text` and shows :attr:`message` as the tooltip of the cell.
    """

    def __init__(self, strip: ProfileStatusStrip, profile: str, venue: str) -> None:
        self._strip = strip
        self.profile = profile
        self.venue = venue
        self._state = LoadState.IDLE
        self._count = 0
        self._message = ""

    @property
    def state(self) -> LoadState:
        """Where the profile's loading stands."""
        return self._state

    @property
    def count(self) -> int:
        """How many balances the last successful load returned."""
        return self._count

    @property
    def message(self) -> str:
        """The error text, the cached-balances note while loading, or ``""``."""
        return self._message

    def set_loading(self, cached_age: str | None = None) -> None:
        """Show the profile as loading (the spinner turns until a result arrives); with
        ``cached_age``, say that the balances shown meanwhile are that old."""
        self._set(LoadState.LOADING, self._count,
                  f"{_CACHED_PREFIX}{cached_age}" if cached_age else "")

    def set_ok(self, count: int) -> None:
        """Show the profile as loaded with ``count`` balances."""
        self._set(LoadState.OK, count, "")

    def set_error(self, message: str) -> None:
        """Show the profile as failed with ``message``."""
        self._set(LoadState.ERROR, self._count, message)

    def set_stale(self, message: str, age: str) -> None:
        """Show the profile as failed with ``message`` while its rows from ``age`` stay."""
        self._set(LoadState.STALE, self._count, f"{age}: {message}")

    def set_locked(self, age: str | None) -> None:
        """Show the profile as waiting for the vault (its rows, if any, from ``age``)."""
        self._set(LoadState.LOCKED, self._count, f"cached {age}" if age else "")

    def text(self, frame: int = 0) -> str:
        """The cell's text, with spinner frame ``frame`` while loading."""
        name = self.profile
        if self._state is LoadState.LOADING:
            spinner = _SPINNER[frame % len(_SPINNER)]
            if self._message:
                return f"{spinner} {name} cached {self._message.removeprefix(_CACHED_PREFIX)}"
            return f"{spinner} {name} loading…"
        if self._state is LoadState.OK:
            return f"✓ {name} ok · {self._count} balance{'s' if self._count != 1 else ''}"
        if self._state is LoadState.ERROR:
            return f"✗ {name}: {self._message}"
        if self._state is LoadState.STALE:
            return f"! {name} stale, {self._message}"
        if self._state is LoadState.LOCKED:
            return f"· {name} locked{' · ' + self._message if self._message else ''}"
        return f"· {name}"

    def _set(self, state: LoadState, count: int, message: str) -> None:
        self._state, self._count, self._message = state, count, message
        self._strip._cell_changed()


class ProfileStatusStrip(Widget):
    """One cell per profile, in profile order, three to a line.

    Cells are laid out like a grid of three ``1fr`` columns (padding ``0 1``, no wrap,
    an ellipsis where the text is cut) and coloured by state through the
    ``profile-status--<state>`` component classes. One timer turns the spinners while
    any cell is loading.
    """

    COMPONENT_CLASSES = {
        "profile-status--idle",
        "profile-status--loading",
        "profile-status--ok",
        "profile-status--error",
        "profile-status--stale",
        "profile-status--locked",
    }

    DEFAULT_CSS = """
    ProfileStatusStrip {
        width: 1fr;
        height: auto;
        background: $panel;
    }
    ProfileStatusStrip > .profile-status--idle { color: $text-muted; }
    ProfileStatusStrip > .profile-status--loading { color: $warning; }
    ProfileStatusStrip > .profile-status--ok { color: $success; }
    ProfileStatusStrip > .profile-status--error { color: $error; text-style: bold; }
    ProfileStatusStrip > .profile-status--stale { color: $warning; }
    ProfileStatusStrip > .profile-status--locked { color: $text-muted; }
    """

    ALLOW_SELECT = False

    def __init__(
        self,
        profiles: Iterable[tuple[str, str]],
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._cells = [ProfileStatus(self, profile, venue) for profile, venue in profiles]
        self._by_name: dict[str, ProfileStatus] = {}
        for cell in self._cells:
            self._by_name.setdefault(cell.profile, cell)
        self._frame = 0
        self._timer: Timer | None = None
        self._hovered: int | None = None

    def status(self, profile: str) -> ProfileStatus:
        """The cell of ``profile``; KeyError when the strip has no such profile."""
        try:
            return self._by_name[profile]
        except KeyError:
            raise KeyError(f"no profile {profile!r} in the status strip") from None

    @property
    def spinning(self) -> bool:
        """True while the spinner timer runs (some cell is loading)."""
        return self._timer is not None

    @property
    def line_count(self) -> int:
        """How many lines the cells take."""
        return -(-len(self._cells) // _COLUMNS)

    def cell_at(self, x: int, y: int) -> ProfileStatus | None:
        """The cell drawn at content offset (``x``, ``y``), or None where there is none."""
        index = self._index_at(x, y)
        return None if index is None else self._cells[index]

    # -- state ----------------------------------------------------------------------------

    def _cell_changed(self) -> None:
        """Start or stop the spinner, refresh the tooltip and repaint after a cell changed."""
        loading = any(cell.state is LoadState.LOADING for cell in self._cells)
        if loading and self._timer is None:
            self._timer = self.set_interval(0.1, self._spin)
        elif not loading and self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._show_tooltip()
        self.refresh()

    def _spin(self) -> None:
        self._frame = (self._frame + 1) % len(_SPINNER)
        self.refresh()

    # -- tooltip --------------------------------------------------------------------------

    def on_mouse_move(self, event: events.MouseMove) -> None:
        """Note which cell the mouse is over, for the tooltip."""
        offset = event.get_content_offset(self)
        self._hovered = None if offset is None else self._index_at(offset.x, offset.y)
        self._show_tooltip()

    def on_leave(self, event: events.Leave) -> None:
        """The mouse left the strip: no cell, no tooltip."""
        self._hovered = None
        self._show_tooltip()

    def _show_tooltip(self) -> None:
        """Make the tooltip the message of the cell under the mouse (none if it has none)."""
        message = "" if self._hovered is None else self._cells[self._hovered].message
        tooltip = message or None
        if tooltip != self.tooltip:
            self.tooltip = tooltip

    def _index_at(self, x: int, y: int) -> int | None:
        if x < 0 or y < 0:
            return None
        for column, (start, width) in enumerate(_column_spans(self.content_size.width)):
            if start <= x < start + width:
                index = y * _COLUMNS + column
                return index if index < len(self._cells) else None
        return None

    # -- rendering ------------------------------------------------------------------------

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """One line per three cells (Textual asks this for ``height: auto``)."""
        return self.line_count if width else 0

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of cells; Textual pads what is left of the width with the background."""
        base_background, background = self.background_colors
        # The same background-only style Textual gives padding and the unused width.
        blank = Style(background=base_background + background).rich_style
        segments: list[Segment] = []
        spans = _column_spans(self.content_size.width)
        for column, (_start, width) in enumerate(spans):
            index = y * _COLUMNS + column
            if index >= len(self._cells):
                break
            segments.extend(self._cell_segments(self._cells[index], width, blank))
        return Strip(segments)

    def _cell_segments(self, cell: ProfileStatus, width: int, blank: RichStyle) -> list[Segment]:
        """One cell ``width`` wide: a space, the text cut to fit with an ellipsis, spaces."""
        inner = width - 2
        if inner <= 0:
            return [Segment(" " * width, blank)] if width > 0 else []
        line = (Content(cell.text(self._frame)).split(allow_blank=True)[0]
                .expand_tabs(8).truncate(inner, ellipsis=True))
        segments = [Segment(" ", blank)]
        if line.plain:
            style = self.get_component_rich_style(f"profile-status--{cell.state.value}")
            segments.append(Segment(line.plain, style))
        if line.cell_length < inner:
            segments.append(Segment(" " * (inner - line.cell_length), blank))
        segments.append(Segment(" ", blank))
        return segments


def _column_spans(width: int) -> list[tuple[int, int]]:
    """(start, width) of each of the three columns across ``width`` cells.

    Matches Textual's grid of ``1fr`` columns: column edges fall at the floor of each
    exact fractional edge, so the leftover cells go to the later columns.
    """
    edges = [column * width // _COLUMNS for column in range(_COLUMNS + 1)]
    return [(start, end - start) for start, end in zip(edges, edges[1:])]
