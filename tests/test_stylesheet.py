"""SteadyStylesheet: re-parses only when the variables or the sources changed."""

from __future__ import annotations

from textual.css.stylesheet import Stylesheet

from tui.stylesheet import SteadyStylesheet

CSS = "Static { color: $accent; }"


def _color(sheet: Stylesheet) -> str:
    (rule,) = sheet.rules
    return str(rule.styles.color)


def _counting(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = Stylesheet.reparse
    monkeypatch.setattr(Stylesheet, "reparse",
                        lambda self: (calls.append(1), real(self))[1])
    return calls


def test_reparse_with_equal_variables_keeps_the_rules(monkeypatch) -> None:
    sheet = SteadyStylesheet(variables={"accent": "#ff0000"})
    sheet.add_source(CSS, read_from=("test", "css"))
    rules = sheet.rules
    calls = _counting(monkeypatch)
    sheet.set_variables({"accent": "#ff0000"})
    sheet.reparse()
    assert calls == []
    assert sheet.rules is rules


def test_new_variables_are_parsed_in(monkeypatch) -> None:
    sheet = SteadyStylesheet(variables={"accent": "#ff0000"})
    sheet.add_source(CSS, read_from=("test", "css"))
    before = _color(sheet)
    calls = _counting(monkeypatch)
    sheet.set_variables({"accent": "#00ff00"})
    sheet.reparse()
    assert calls == [1]
    assert before != _color(sheet)
    assert "0, 255, 0" in _color(sheet)


def test_a_new_source_is_parsed(monkeypatch) -> None:
    sheet = SteadyStylesheet(variables={"accent": "#ff0000"})
    sheet.add_source(CSS, read_from=("test", "css"))
    assert len(sheet.rules) == 1
    sheet.add_source("Label { color: red; }", read_from=("test", "more"))
    sheet.reparse()
    assert len(sheet.rules) == 2


def test_never_parsed_sheet_reparses() -> None:
    sheet = SteadyStylesheet(variables={"accent": "#ff0000"})
    sheet.add_source(CSS, read_from=("test", "css"))
    sheet._require_parse = False  # as if only reparse() will ever be called
    sheet.reparse()
    assert len(sheet.rules) == 1
