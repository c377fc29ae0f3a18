"""Pilot tests: the Profiles screen — list, add (credentials into the vault, settings into
profiles.toml), edit, validation, test connection against the in-process sandbox, remove
with confirmation, vault creation, and no secret ever on screen.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_app_support import screen_text, wait_loaded
from test_app_vault import (
    PASSPHRASE,
    demo,
    demo_profile,
    home,  # noqa: F401 - fixture
    make_vault,
    sandbox_session,
    type_text,
    unlock_with,
    wait_for,
)
from textual import events
from textual.widgets import Input, Select

from tui.app import CoinsoleApp
from tui.config import ProfileStore
from tui.sandbox import Sandbox
from tui.screens.confirm import ConfirmScreen
from tui.screens.profiles import ProfileFormScreen, ProfilesScreen
from tui.screens.unlock import CreateVaultScreen, UnlockScreen
from tui.vault import TEST_KDF, Vault, default_vault_path

SIZE = (120, 36)


def unlocked_app(sandbox: Sandbox, names: list[str]) -> tuple[CoinsoleApp, Vault]:
    """An app over ``names`` (settings stored, credentials in an unlocked vault)."""
    make_vault(names)
    vault = Vault()
    vault.unlock(PASSPHRASE)
    return CoinsoleApp(sandbox_session(sandbox, vault)), vault


async def open_profiles(pilot) -> ProfilesScreen:
    """Switch to the Profiles screen (key 2) and return it."""
    await wait_loaded(pilot)
    await pilot.press("2")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ProfilesScreen))
    return pilot.app.screen


async def fill(pilot, form: ProfileFormScreen, field: str, text: str) -> None:
    """Focus ``field`` and type ``text`` into it."""
    widget = form.query_one(f"#{field}", Input)
    widget.focus()
    widget.value = ""
    await pilot.pause()
    await type_text(pilot, text)


async def paste(pilot, form: ProfileFormScreen, field: str, text: str) -> None:
    """Paste ``text`` into ``field`` (as a terminal's bracketed paste)."""
    widget = form.query_one(f"#{field}", Input)
    widget.focus()
    widget.value = ""
    await pilot.pause()
    widget.post_message(events.Paste(text))
    await pilot.pause()


def assert_no_secret(app: CoinsoleApp, *secrets: str) -> None:
    """No secret (nor its start) appears in what the terminal shows."""
    text = screen_text(app)
    svg = app.export_screenshot()
    for secret in secrets:
        assert secret not in text and secret[:12] not in text
        assert secret not in svg


async def open_add_form(pilot) -> ProfileFormScreen:
    """Press a and return the form."""
    await pilot.press("a")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ProfileFormScreen))
    return pilot.app.screen


async def fill_demo(pilot, form: ProfileFormScreen, name: str, *, secret: str | None = None,
                    as_name: str | None = None) -> None:
    """Fill the form for the demo credential ``name`` (secret pasted, key typed)."""
    d = demo(name)
    profile = demo_profile(name)
    await fill(pilot, form, "name", as_name or name)
    form.query_one("#venue", Select).value = d.venue
    await fill(pilot, form, "base_url", profile.base_url)
    if d.user_id:
        await fill(pilot, form, "user_id", d.user_id)
    await fill(pilot, form, "api_key", d.api_key)
    await paste(pilot, form, "secret", secret if secret is not None else d.secret)


async def test_profiles_table_lists_sources_never_values(home: Path, sandbox: Sandbox,
                                                         monkeypatch) -> None:
    app, _ = unlocked_app(sandbox, ["fcoin-demo"])
    ProfileStore().add(demo_profile("bitz-demo"))
    ProfileStore().add(demo_profile("bhex-demo"))
    monkeypatch.setenv("COINSOLE_BITZ_DEMO_API_KEY", demo("bitz-demo").api_key)
    monkeypatch.setenv("COINSOLE_BITZ_DEMO_API_SECRET", demo("bitz-demo").secret)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_profiles(pilot)
        assert [p.name for p in screen.profiles] == ["fcoin-demo", "bitz-demo", "bhex-demo"]
        assert screen.sources == {"fcoin-demo": "vault", "bitz-demo": "env",
                                  "bhex-demo": "missing"}
        text = screen_text(app)
        for label in ("Name", "Venue", "Base URL", "Credentials", "vault", "env", "missing",
                      "http://sandbox/fcoin", "vault: unlocked"):
            assert label in text
        for binding in ("a Add", "e Edit", "d Remove", "t Test", "r Reload"):
            assert binding in text
        assert_no_secret(app, *(demo(n).secret for n in ("fcoin-demo", "bitz-demo")),
                         *(demo(n).api_key for n in ("fcoin-demo", "bitz-demo")))


async def test_add_profile_through_the_form(home: Path, sandbox: Sandbox) -> None:
    app, vault = unlocked_app(sandbox, ["fcoin-demo"])
    secret = demo("bitunix-demo").secret
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_profiles(pilot)
        form = await open_add_form(pilot)
        await fill_demo(pilot, form, "bitunix-demo")
        assert form.query_one("#secret", Input).value == secret  # the paste went in
        assert_no_secret(app, secret, demo("bitunix-demo").api_key)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen)
        await wait_loaded(pilot)
        # Credentials in the vault, settings in profiles.toml, no secret in the file.
        stored = vault.get("bitunix-demo")
        assert stored.secret.get_secret_value() == secret
        assert stored.api_key.get_secret_value() == demo("bitunix-demo").api_key
        assert ProfileStore().get("bitunix-demo").base_url == "http://sandbox/bitunix"
        toml = ProfileStore().file.read_text()
        assert "bitunix-demo" in toml
        assert secret not in toml and demo("bitunix-demo").api_key not in toml
        assert "bitunix-demo" in [p.name for p in app.session.profiles]
        assert screen.sources["bitunix-demo"] == "vault"
        assert "saved profile 'bitunix-demo'" in screen.outcome
        assert_no_secret(app, secret)
        # The balances screen is rebuilt with the new profile, which loads.
        await pilot.press("1")
        await wait_loaded(pilot)
        assert app.screen.balances.get("bitunix-demo")
    for file in home.rglob("*"):
        if file.is_file():
            assert secret.encode() not in file.read_bytes(), file


async def test_form_shows_validation_messages_inline(home: Path, sandbox: Sandbox) -> None:
    app, _ = unlocked_app(sandbox, ["fcoin-demo"])
    async with app.run_test(size=SIZE) as pilot:
        await open_profiles(pilot)
        form = await open_add_form(pilot)
        await fill(pilot, form, "name", "fcoin-demo")
        await fill(pilot, form, "base_url", "ftp://nowhere")
        await fill(pilot, form, "user_id", "abc")
        await fill(pilot, form, "api_key", "only-a-key")
        await pilot.press("ctrl+s")
        await pilot.pause()
        text = screen_text(app)
        assert "the base URL must start with http:// or https://" in text
        assert "the user id must be a whole number" in text
        assert isinstance(app.screen, ProfileFormScreen)
        await fill(pilot, form, "base_url", "http://sandbox/fcoin")
        await fill(pilot, form, "user_id", "")
        await pilot.press("ctrl+s")
        await pilot.pause()
        text = screen_text(app)
        assert "exists already" in text
        await fill(pilot, form, "name", "other")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "give both the API key and the secret" in screen_text(app)
        assert isinstance(app.screen, ProfileFormScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ProfilesScreen)
        assert [p.name for p in ProfileStore().load()] == ["fcoin-demo"]


async def test_form_test_connection_ok_and_wrong_secret(home: Path, sandbox: Sandbox) -> None:
    app, _ = unlocked_app(sandbox, ["fcoin-demo"])
    good = demo("bitz-demo").secret
    bad = "f" * 32
    async with app.run_test(size=(140, 40)) as pilot:
        await open_profiles(pilot)
        form = await open_add_form(pilot)
        await fill_demo(pilot, form, "bitz-demo")
        await pilot.press("ctrl+t")
        await wait_loaded(pilot)
        text = screen_text(app)
        assert "✓ connected: bitz accepted the credentials" in text
        assert_no_secret(app, good)
        await paste(pilot, form, "secret", bad)
        await pilot.press("ctrl+t")
        await wait_loaded(pilot)
        text = screen_text(app)
        assert "✗ bitz:" in text
        assert "Check the profile's API key and secret" in text
        assert_no_secret(app, good, bad)


async def test_t_tests_the_selected_profile(home: Path, sandbox: Sandbox) -> None:
    app, _ = unlocked_app(sandbox, ["fcoin-demo", "chainup-demo"])
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_profiles(pilot)
        screen.table.move_cursor(row=1)
        await pilot.press("t")
        await wait_loaded(pilot)
        assert screen.outcome.startswith("✓ chainup-demo: connected")
        assert "✓ chainup-demo: connected" in screen_text(app)


async def test_t_on_a_locked_vault_asks_to_unlock_first(home: Path, sandbox: Sandbox) -> None:
    make_vault(["fcoin-demo"])
    app = CoinsoleApp(sandbox_session(sandbox))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
        await pilot.press("escape")
        screen = await open_profiles(pilot)
        assert "vault: locked" in screen_text(app)
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
        await unlock_with(pilot)
        await wait_loaded(pilot)
        assert screen.outcome.startswith("✓ fcoin-demo: connected")


async def test_edit_keeps_credentials_and_updates_settings(home: Path, sandbox: Sandbox) -> None:
    app, vault = unlocked_app(sandbox, ["fcoin-demo", "bitz-demo"])
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_profiles(pilot)
        await pilot.press("enter")  # edit the first row
        await wait_for(pilot, lambda: isinstance(app.screen, ProfileFormScreen))
        form = app.screen
        assert form.query_one("#name", Input).disabled
        assert form.query_one("#api_key", Input).value == ""
        await fill(pilot, form, "base_url", "http://sandbox/fcoin/")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen)
        assert vault.get("fcoin-demo").secret.get_secret_value() == demo("fcoin-demo").secret
        assert ProfileStore().get("fcoin-demo").base_url == "http://sandbox/fcoin"
        assert {p.name for p in ProfileStore().load()} == {"fcoin-demo", "bitz-demo"}


async def test_remove_asks_then_deletes_settings_and_vault_entry(home: Path,
                                                                 sandbox: Sandbox) -> None:
    app, vault = unlocked_app(sandbox, ["fcoin-demo", "bitz-demo"])
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_profiles(pilot)
        screen.table.move_cursor(row=1)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "Remove profile 'bitz-demo'?" in screen_text(app)
        await pilot.press("n")  # cancel: nothing happens
        await pilot.pause()
        assert app.screen is screen
        assert "bitz-demo" in vault.profiles()
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: app.screen is screen)
        await wait_loaded(pilot)
        assert [p.name for p in ProfileStore().load()] == ["fcoin-demo"]
        assert vault.profiles() == ["fcoin-demo"]
        assert [p.name for p in app.session.profiles] == ["fcoin-demo"]
        assert screen.outcome == "removed profile 'bitz-demo'"


async def test_first_save_creates_the_vault(home: Path, sandbox: Sandbox) -> None:
    ProfileStore().add(demo_profile("fcoin-demo"))
    app = CoinsoleApp(sandbox_session(sandbox))
    app.new_vault_kdf = TEST_KDF
    secret = demo("bitz-demo").secret
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_profiles(pilot)
        assert "vault: none yet" in screen_text(app)
        form = await open_add_form(pilot)
        await fill_demo(pilot, form, "bitz-demo")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, CreateVaultScreen))
        await type_text(pilot, "new pass")
        await pilot.press("enter")
        await type_text(pilot, "new pass")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen)
        assert default_vault_path().exists()
        assert app.vault is not None and app.vault.is_unlocked
        assert app.vault.get("bitz-demo").secret.get_secret_value() == secret
        assert "vault: unlocked" in screen_text(app)
        assert_no_secret(app, secret)
    check = Vault()
    check.unlock("new pass")
    assert check.profiles() == ["bitz-demo"]


async def test_profiles_screen_reachable_without_profiles(home: Path, sandbox: Sandbox) -> None:
    app = CoinsoleApp(None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.run_action("open_profiles")
        await wait_for(pilot, lambda: isinstance(app.screen, ProfilesScreen))
        assert "no profiles yet" in screen_text(app)


async def test_profiles_screen_not_offered_in_the_demo() -> None:
    from tui.demo import demo_session

    app = CoinsoleApp(demo_session(), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("2")
        await pilot.pause()
        assert app.current_mode == "balances"
        assert "Profiles" not in screen_text(app)


@pytest.mark.parametrize("key", ["ctrl+l"])
async def test_locking_clears_secrets_typed_into_an_open_form(home: Path, sandbox: Sandbox,
                                                              key: str) -> None:
    app, vault = unlocked_app(sandbox, ["fcoin-demo"])
    async with app.run_test(size=SIZE) as pilot:
        await open_profiles(pilot)
        form = await open_add_form(pilot)
        await fill_demo(pilot, form, "bitz-demo")
        await pilot.press(key)
        await pilot.pause()
        assert not vault.is_unlocked
        assert form.query_one("#secret", Input).value == ""
        assert form.query_one("#api_key", Input).value == ""


async def test_profiles_keys_in_help_and_palette(home: Path, sandbox: Sandbox) -> None:
    from tui.app import CoinsoleCommands
    from tui.screens.help import HelpScreen

    app, _ = unlocked_app(sandbox, ["fcoin-demo"])
    async with app.run_test(size=(120, 48)) as pilot:
        screen = await open_profiles(pilot)
        names = {name for name, _, _ in CoinsoleCommands(screen)._commands()}
        assert {"Add", "Edit", "Remove", "Test", "Reload", "Lock"} <= names
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = screen_text(app)
        for line in ("Add a profile", "Remove the selected profile", "Lock the vault now",
                     "Re-read the profiles file"):
            assert line in text
