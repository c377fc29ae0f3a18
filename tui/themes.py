"""The themes coinsole ships, kept as data in ``themes/*.toml`` at the repository root.

Each TOML file holds the fields of one :class:`textual.theme.Theme` (``name``, ``dark``,
``primary`` ... and an optional ``[variables]`` table). Screens take every colour from
theme variables, so any theme in the folder works everywhere. When the folder or the
default theme is missing, the app falls back to a built-in Textual theme.
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import fields
from pathlib import Path

from textual.theme import Theme

import tui

__all__ = ["THEMES_DIR", "DEFAULT_THEME", "FALLBACK_THEME", "ThemeError", "load_theme", "load_themes"]

log = logging.getLogger(__name__)

THEMES_DIR = Path(tui.__file__).resolve().parent.parent / "themes"
"""Where the shipped themes live: ``themes/`` beside the ``tui`` package."""

DEFAULT_THEME = "coinsole-dark"
"""The theme the app starts with when it is available."""

FALLBACK_THEME = "textual-dark"
"""The built-in Textual theme used when the default theme cannot be loaded."""

_FIELDS = {f.name for f in fields(Theme)}


class ThemeError(ValueError):
    """A theme file that cannot be read as a theme."""


def load_theme(path: Path) -> Theme:
    """Read one theme file; raises :class:`ThemeError` saying what is wrong with it."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ThemeError(f"{path.name}: cannot read theme: {exc}") from None
    unknown = set(data) - _FIELDS
    if unknown:
        raise ThemeError(f"{path.name}: unknown theme fields: {', '.join(sorted(unknown))}")
    if not isinstance(data.get("name"), str) or not isinstance(data.get("primary"), str):
        raise ThemeError(f"{path.name}: a theme needs a 'name' and a 'primary' colour")
    try:
        theme = Theme(**data)
        theme.to_color_system()  # validates every colour now rather than at first paint
    except Exception as exc:  # Textual raises several types for bad colours
        raise ThemeError(f"{path.name}: invalid theme: {exc}") from None
    return theme


def load_themes(directory: Path | None = None) -> list[Theme]:
    """Every valid theme in ``directory`` (default :data:`THEMES_DIR`), sorted by name.

    A missing folder gives an empty list; a broken file is logged and skipped, so one bad
    theme never stops the app from starting.
    """
    directory = THEMES_DIR if directory is None else directory
    if not directory.is_dir():
        return []
    themes: list[Theme] = []
    for path in sorted(directory.glob("*.toml")):
        try:
            themes.append(load_theme(path))
        except ThemeError as exc:
            log.warning("%s", exc)
    return sorted(themes, key=lambda t: t.name)
