"""Test helpers for the org screens' app tests (Payments, Org settings): the demo app, the
screen opened by its app action, and the pilot steps every org-write confirmation test
takes (Esc cancels with nothing journaled; the key again, Ctrl+S sends, Esc closes)."""

from __future__ import annotations

from typing import TypeVar

from test_app_orders import capture_notices
from test_app_support import wait_loaded
from textual.pilot import Pilot
from textual.screen import Screen

from tui.app import CoinsoleApp
from tui.demo import demo_session
from tui.journal_ui import journal_for

S = TypeVar("S", bound=Screen)


def demo_app() -> CoinsoleApp:
    """The demo app (in-process sandbox), its notices captured, no idle lock."""
    app = CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None)
    capture_notices(app)
    return app


async def open_screen(pilot: Pilot, action: str, screen_class: type[S]) -> S:
    """Run the app ``action`` (``open_payments``...) once loaded: the screen it shows."""
    await wait_loaded(pilot)
    await pilot.app.run_action(action)
    await wait_loaded(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, screen_class)
    return screen


async def cancel_then_send(pilot: Pilot, key: str) -> None:
    """With the confirmation open: Esc (checks nothing was journaled), then ``key`` opens
    it again, Ctrl+S sends, and Esc closes it once the send has finished."""
    await pilot.press("escape")
    await pilot.pause()
    assert journal_for(pilot.app.session).entries() == []  # type: ignore[attr-defined]
    await pilot.press(key)
    await pilot.pause()
    await pilot.press("ctrl+s")
    await wait_loaded(pilot)
    await pilot.press("escape")
    await wait_loaded(pilot)
