"""Issue 12, "done means": the README's key table matches the footer of every main screen.

The table (README.md, "In the TUI") is read row by row: its keys (in backticks), where
they apply and what they do. For each main screen the test opens it and checks both ways:
every key its footer shows is in a row for that screen (or "anywhere"), and every key a
row names for that screen is bound there.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_app_support import small_session, wait_loaded

from tui.app import CoinsoleApp
from tui.demo import demo_session

README = Path(__file__).resolve().parent.parent / "README.md"

NAMES = {"/": "slash", "?": "question_mark", "]": "right_square_bracket",
         "[": "left_square_bracket", "esc": "escape", "⏎": "enter"}
"""README spellings of keys that Textual names otherwise."""

SCREENS = {
    "Welcome": None,
    "Balances": "balances",
    "Profiles": "profiles",
    "Move money": "move",
    "Activity": "activity",
    "Deposit": "deposit",
    "History": "history",
    "Orders": "orders",
    "Users": "users",
}
"""Each screen as the README's "where" column names it, and its mode."""


def normalise(key: str) -> str:
    key = key.strip()
    return NAMES.get(key, key.lower() if key.startswith(("F", "f")) and key[1:].isdigit()
                     else key)


def readme_rows() -> list[tuple[set[str], str]]:
    """(keys, where) for every row of the README's key table."""
    text = README.read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        if not line.startswith("| `"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        if len(cells) < 3:
            continue
        keys = {normalise(k) for k in re.findall(r"`([^`]+)`", cells[0])}
        rows.append((keys, cells[1]))
    return rows


def keys_for(screen: str, *, anywhere: bool) -> set[str]:
    """The README's keys for ``screen`` (and those for anywhere, and tables, if asked)."""
    found: set[str] = set()
    for keys, where in readme_rows():
        places = {place.strip() for place in re.split(r",| and ", where)}
        names = {p.removesuffix(" tables").strip() for p in places}
        if screen in names or (anywhere and (where in ("anywhere", "tables")
                                             or "tables" in where)):
            found |= keys
    return found


def binding_keys(binding) -> set[str]:
    return {key.strip() for key in binding.key.split(",")}


async def open_screen(name: str):
    if name == "Welcome":
        return CoinsoleApp(None, idle_lock_minutes=None), None
    if name == "Profiles":
        return CoinsoleApp(small_session(), idle_lock_minutes=None), "profiles"
    return CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None), SCREENS[name]


@pytest.mark.parametrize("name", list(SCREENS))
async def test_readme_key_table_matches_the_footer(name: str, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path))
    app, mode = await open_screen(name)
    async with app.run_test(size=(200, 60)) as pilot:
        await wait_loaded(pilot)
        if mode is not None and mode != "balances":
            await app.run_action(f"switch_main('{mode}')")
            await wait_loaded(pilot)
        await pilot.pause()
        screen = app.screen
        footer = set()
        bound = set()
        for active in screen.active_bindings.values():
            bound |= binding_keys(active.binding)
            if active.binding.show and active.binding.action != "command_palette":
                footer |= binding_keys(active.binding)
        for cls in type(screen).__mro__:  # keys hidden on this row or state are bound too
            for binding in getattr(cls, "BINDINGS", ()):
                if hasattr(binding, "key"):
                    bound |= binding_keys(binding)
        documented = keys_for(name, anywhere=True)
        missing = footer - documented
        assert not missing, f"{name}: footer keys not in the README table: {sorted(missing)}"
        own = keys_for(name, anywhere=False)
        unbound = own - bound - {"arrows"}
        assert not unbound, f"{name}: README keys not bound there: {sorted(unbound)}"


def test_the_table_is_read() -> None:
    rows = readme_rows()
    assert len(rows) > 20
    assert "ctrl+q" in keys_for("Balances", anywhere=True)
    assert "slash" in keys_for("Balances", anywhere=False)
