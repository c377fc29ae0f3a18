"""Test helper: the pilot steps every org-write confirmation test takes (Esc cancels
with nothing journaled; the key again, Ctrl+S sends, Esc closes the outcome)."""

from __future__ import annotations

from test_app_support import wait_loaded
from textual.pilot import Pilot

from tui.journal_ui import journal_for


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
