"""Issue 12, demo dead ends: a wrong BHEX trade password is asked for again (nothing
journaled, nothing sent) in the TUI and the CLI; a whitelist refusal says to put the
address on the venue's withdrawal whitelist (not "grant the API key this permission");
the demo's trade password and whitelisted addresses are written down for the user."""

from __future__ import annotations

from pathlib import Path

from test_app_move import SIZE, choose, make_app, open_form, type_into
from test_app_support import screen_text, wait_loaded
from test_cli_vault import run

from tui.journal import EntryState
from tui.sandbox.demo_money import DEMO_TRADE_PASSWORD, DEMO_WITHDRAW_ADDRESSES
from tui.screens.move_confirm import MoveConfirmScreen

ADDRESS = "1GHquiYANN9JjqySWxncvn88nQ8pp8pdBe"
README = Path(__file__).resolve().parent.parent / "README.md"


async def test_a_wrong_trade_password_is_asked_again_and_nothing_is_journaled() -> None:
    app, _, journal = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, "withdraw")
        await choose(pilot, form, "profile", "bhex-demo")
        await choose(pilot, form, "coin", "BTC")
        await type_into(pilot, form, "address", ADDRESS)
        await type_into(pilot, form, "amount", "0.0015")
        await pilot.press("ctrl+s")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, MoveConfirmScreen), form.problems
        await pilot.press(*ADDRESS[-4:], "enter")
        await pilot.press(*"not-the-password", "enter")
        await wait_loaded(pilot)
        assert app.screen is confirm
        assert journal.entries() == []
        assert "wrong trade password: type it again" in screen_text(app)
        from textual.widgets import Input

        field = confirm.query_one("#password", Input)
        assert not field.disabled and app.focused is field
        await pilot.press(*DEMO_TRADE_PASSWORD, "enter")
        await wait_loaded(pilot)
        [entry] = journal.entries()
        assert entry.state in (EntryState.ACCEPTED, EntryState.RECONCILED), entry.last_error


def test_cli_asks_again_after_a_wrong_trade_password() -> None:
    result = run("withdraw", "--demo", "--profile", "bhex-demo", "--coin", "BTC",
                 "--amount", "0.0015", "--address", ADDRESS, "--yes",
                 input=f"wrong\n{DEMO_TRADE_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "wrong trade password: type it again" in result.output
    assert "journal entry 1" in result.output


def test_cli_wrong_trade_password_three_times_journals_nothing() -> None:
    result = run("withdraw", "--demo", "--profile", "bhex-demo", "--coin", "BTC",
                 "--amount", "0.0015", "--address", ADDRESS, "--yes",
                 input="a\nb\nc\n")
    assert result.exit_code == 2, result.output
    assert "wrong 3 times; nothing was sent or journaled" in result.output
    assert "journal entry" not in result.output


def test_whitelist_refusal_points_at_the_venues_whitelist() -> None:
    result = run("withdraw", "--demo", "--profile", "bhex-demo", "--coin", "BTC",
                 "--amount", "0.0015", "--address", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT",
                 "--yes", env={"COINSOLE_TRADE_PASSWORD": DEMO_TRADE_PASSWORD})
    assert result.exit_code == 3, result.output
    assert "Grant the API key" not in result.output
    assert "must be on the venue's withdrawal whitelist" in result.output


def test_the_demo_password_and_whitelisted_addresses_are_documented() -> None:
    text = README.read_text(encoding="utf-8")
    assert DEMO_TRADE_PASSWORD in text
    for entry in DEMO_WITHDRAW_ADDRESSES:
        assert f"`{entry.address}`" in text, entry


async def test_demo_help_names_the_trade_password() -> None:
    from tui.app import CoinsoleApp
    from tui.demo import demo_session

    app = CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        note = str(app.screen.query_one("#note").render())
        assert DEMO_TRADE_PASSWORD in note
        assert all(entry.address in note for entry in DEMO_WITHDRAW_ADDRESSES)


async def test_welcome_says_where_the_demo_trade_password_is() -> None:
    """Where to find it, not the password itself: no screen or snapshot shows a
    password unasked (the demo's help, opened on purpose, does)."""
    from tui.app import CoinsoleApp

    app = CoinsoleApp(None, idle_lock_minutes=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = " ".join(screen_text(app).split())
        assert "Press ? in the demo for BHEX's demo trade password" in text
        assert DEMO_TRADE_PASSWORD not in text


def test_piped_trade_password_and_key_prompts_raise_no_getpass_warning(tmp_path) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "COINSOLE_TRADE_PASSWORD"}
    env["COINSOLE_HOME"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "tui", "withdraw", "--demo", "--profile", "bhex-demo",
         "--coin", "BTC", "--amount", "0.0015", "--address", ADDRESS, "--yes"],
        input=f"{DEMO_TRADE_PASSWORD}\n", capture_output=True, text=True, env=env,
        timeout=120)
    assert done.returncode == 0, done.stderr
    assert "GetPassWarning" not in done.stderr and "may be echoed" not in done.stderr
    assert DEMO_TRADE_PASSWORD not in done.stdout + done.stderr
    env["COINSOLE_PASSPHRASE"] = "correct horse battery staple"
    env["COINSOLE_VAULT_KDF"] = "test"
    assert subprocess.run([sys.executable, "-m", "tui", "vault", "init"], env=env,
                          capture_output=True, text=True, timeout=120).returncode == 0
    added = subprocess.run(
        [sys.executable, "-m", "tui", "profile", "add", "p1", "--venue", "fcoin",
         "--base-url", "http://127.0.0.1:9/fcoin"],
        input="the-key\nthe-secret\n", capture_output=True, text=True, env=env, timeout=120)
    assert added.returncode == 0, added.stderr
    assert "GetPassWarning" not in added.stderr and "may be echoed" not in added.stderr
    assert "the-secret" not in added.stdout + added.stderr
