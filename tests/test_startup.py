"""The start-up helpers pause the garbage collector only while they are asked to."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest

from tui.startup import collector_paused


def test_paused_inside_and_restored_after() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_restored_after_an_error() -> None:
    with pytest.raises(RuntimeError):
        with collector_paused():
            raise RuntimeError("boom")
    assert gc.isenabled()


def test_a_caller_that_disabled_it_keeps_it_disabled() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_importing_the_cli_leaves_the_collector_on() -> None:
    code = "import gc, tui.cli; print(gc.isenabled(), gc.get_freeze_count())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["True", "0"]  # nothing frozen either: only `coinsole` itself freezes


def test_lazy_commands_are_exactly_what_their_modules_register() -> None:
    import click

    from tui.cli import CoinsoleGroup
    from tui.cli_approvals import register as register_approvals
    from tui.cli_history import register as register_history
    from tui.cli_moves import register as register_moves
    from tui.cli_stats import register as register_stats
    from tui.cli_team import register as register_team
    from tui.cli_users import register as register_users
    from tui.cli_payments import register as register_payments
    from tui.cli_finance import register as register_finance
    from tui.cli_settings import register as register_settings

    group = click.Group("probe")
    register_moves(group)
    register_history(group)
    register_approvals(group)
    register_team(group)
    register_stats(group)
    register_users(group)
    register_payments(group)
    register_finance(group)
    register_settings(group)
    assert set(group.commands) == set(CoinsoleGroup.LAZY_COMMANDS)
    for name, module in CoinsoleGroup.LAZY_COMMANDS.items():
        assert group.commands[name].callback.__module__ == module


def test_the_tui_path_does_not_load_the_money_and_history_commands() -> None:
    code = ("import sys, tui.cli; "
            "print('tui.cli_moves' in sys.modules, 'tui.cli_history' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "False"]


def test_skipped_optional_imports_fail_inside_and_import_again_after() -> None:
    from tui.startup import optional_imports_skipped

    name = "tui.sandbox.limits"
    sys.modules.pop(name, None)
    with optional_imports_skipped(name):
        with pytest.raises(ImportError):
            __import__(name)
    module = __import__(name, fromlist=["_"])
    assert sys.modules[name] is module


def test_already_imported_modules_are_not_skipped() -> None:
    from tui.startup import optional_imports_skipped

    import tui.core.money as money

    with optional_imports_skipped("tui.core.money"):
        assert __import__("tui.core.money", fromlist=["_"]) is money


def test_the_venue_layer_loads_httpx_without_its_command_line_client() -> None:
    code = (
        "import sys, tui.venues.base as base\n"
        "print('httpx._main' in sys.modules, 'pygments' in sys.modules,"
        " base.httpx.AsyncClient.__name__)\n"
        "import httpx._main\n"  # still importable for anyone who wants it
        "print(httpx._main.__name__, callable(httpx._main.main))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "False", "AsyncClient", "httpx._main", "True"]
