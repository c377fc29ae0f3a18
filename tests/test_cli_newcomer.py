"""The command line as a newcomer meets it (issue 12): a COINSOLE_HOME that is a file,
missing backup files, and the other one-line answers to bad input."""

from __future__ import annotations

import pytest
from test_cli_vault import home, run, with_pass  # noqa: F401


@pytest.fixture
def home_is_a_file(home, monkeypatch):
    """COINSOLE_HOME pointing at a regular file."""
    target = home / "not-a-dir"
    target.write_text("x")
    monkeypatch.setenv("COINSOLE_HOME", str(target))
    return target


@pytest.mark.parametrize("args", [
    ("vault", "init"), ("vault", "status"), ("vault", "passwd"), ("balances",),
    ("profile", "list"),
])
def test_home_that_is_a_file_is_one_line_naming_it(home_is_a_file, args) -> None:
    result = run(*args, env=with_pass())
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert str(home_is_a_file) in lines[0] and "is a file" in lines[0]
    assert "no profiles configured" not in result.output
    assert "Traceback" not in result.output


def test_vault_import_of_a_missing_file_says_so(home) -> None:
    result = run("vault", "import", str(home / "missing.bin"), env=with_pass())
    assert result.exit_code != 0
    assert "no backup file at" in result.output and "missing.bin" in result.output
    assert "already exists" not in result.output
