"""A Textual stylesheet that does not parse the same rules twice.

Textual refreshes the app's CSS whenever a screen is first shown in a mode (and when the
theme changes): it sets the variables again, which empties the stylesheet's parse caches,
and re-parses every source in a fresh stylesheet. At start that happened twice for the
balances screen, and the next widget with CSS of its own then re-parsed everything once
more, about 25 ms in all before the first frame. :class:`SteadyStylesheet` skips both
when nothing they depend on changed: the variables are equal and no source was added
since the last parse. A theme change (new variables) or a new source parses as before.
"""

from __future__ import annotations

from textual.css.stylesheet import Stylesheet

__all__ = ["SteadyStylesheet"]


class SteadyStylesheet(Stylesheet):
    """A :class:`~textual.css.stylesheet.Stylesheet` whose ``set_variables`` and
    ``reparse`` do nothing when they would reproduce the rules it already has."""

    def __init__(self, *, variables: dict[str, str] | None = None) -> None:
        super().__init__(variables=variables)
        self._rules_parsed_with: dict[str, str] | None = None
        """The variables the current rules were parsed with (None: not parsed yet)."""

    def set_variables(self, variables: dict[str, str]) -> None:
        """Set the CSS variables; equal ones keep the parse caches."""
        if variables == self._variables:
            return
        super().set_variables(variables)

    def parse(self) -> None:
        """Parse the sources (Textual's parse, remembering the variables it used)."""
        variables = self._variables
        super().parse()
        self._rules_parsed_with = variables

    def reparse(self) -> None:
        """Re-parse every source with the current variables, unless the current rules
        were parsed from the same sources with equal variables."""
        parsed_with = self._rules_parsed_with
        if parsed_with is not None and parsed_with == self._variables and not self._require_parse:
            return
        variables = self._variables
        super().reparse()
        self._rules_parsed_with = variables
