"""Pilot tests: the vault in the TUI — unlock at start, wrong passphrase, damaged file,
lock now (ctrl+l), idle lock, unlock again (ctrl+u), and locked profiles on the balances
screen. Every vault uses TEST_KDF so unlocking is cheap; COINSOLE_HOME is a temp dir.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from test_app_support import SteppedClock, screen_text, wait_loaded, wait_until

from tui.app import CoinsoleApp
from tui.config import Profile, ProfileStore
from tui.core.errors import ConfigError
from tui.credentials import CredentialResolver
from tui.sandbox import DEMO_PROFILES, Sandbox
from tui.screens.balances import BalancesScreen
from tui.screens.unlock import UnlockScreen
from tui.session import Session
from tui.vault import TEST_KDF, Vault, default_vault_path
from tui.venues.base import Credentials

SIZE = (120, 36)
PASSPHRASE = "correct horse battery staple"
HOST = "http://sandbox"


def demo(name: str):
    """The sandbox's demo credential called ``name``."""
    return next(d for d in DEMO_PROFILES if d.name == name)


def demo_profile(name: str) -> Profile:
    """A profile pointing at the in-process sandbox for the demo credential ``name``."""
    d = demo(name)
    return Profile(name=d.name, venue=d.venue, base_url=HOST + d.prefix, user_id=d.user_id)


def demo_creds(name: str) -> Credentials:
    """The demo key and secret of ``name``."""
    d = demo(name)
    return Credentials(api_key=d.api_key, secret=d.secret)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private COINSOLE_HOME, with no credential environment variables."""
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path))
    for d in DEMO_PROFILES:
        stem = d.name.upper().replace("-", "_")
        monkeypatch.delenv(f"COINSOLE_{stem}_API_KEY", raising=False)
        monkeypatch.delenv(f"COINSOLE_{stem}_API_SECRET", raising=False)
    return tmp_path


def make_vault(names: list[str], *, locked: bool = True) -> Path:
    """Create the default vault (TEST_KDF) holding the demo credentials of ``names`` and
    store those profiles' settings; returns the vault file."""
    resolver = CredentialResolver(Vault.init(default_vault_path(), PASSPHRASE, kdf=TEST_KDF))
    store = ProfileStore()
    for name in names:
        resolver.store(name, demo_creds(name))
        store.add(demo_profile(name))
    if locked:
        resolver.vault.lock()
    return resolver.vault.path


def sandbox_session(sandbox: Sandbox, vault: Vault | None = None) -> Session:
    """The session the CLI would build (profiles from the file, credentials through the
    resolver) but routed into the in-process sandbox."""
    return Session(ProfileStore().load(), credentials=CredentialResolver(vault or Vault()),
                   transport=httpx.ASGITransport(app=sandbox.app))


async def type_text(pilot, text: str) -> None:
    """Type ``text`` into the focused widget."""
    await pilot.press(*[c if c != " " else "space" for c in text])


async def wait_for(pilot, predicate, timeout: float = 30.0) -> None:
    """Pause until ``predicate()`` holds (:func:`test_app_support.wait_until`)."""
    await wait_until(pilot, predicate, timeout)


async def unlock_with(pilot, passphrase: str = PASSPHRASE) -> None:
    """Type the passphrase into the unlock screen, submit it and wait for the attempt."""
    screen = pilot.app.screen
    assert isinstance(screen, UnlockScreen)
    await type_text(pilot, passphrase)
    await pilot.press("enter")
    await wait_for(pilot, lambda: not screen.busy)


async def test_unlock_screen_at_start_then_balances_load(home: Path, sandbox: Sandbox) -> None:
    make_vault(["fcoin-demo", "bitz-demo"])
    session = sandbox_session(sandbox)
    app = CoinsoleApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
        assert app.vault is not None and not app.vault.is_unlocked
        assert "Unlock the vault" in screen_text(app)
        await unlock_with(pilot)
        assert app.vault.is_unlocked
        assert isinstance(app.screen, BalancesScreen)
        await wait_loaded(pilot)
        screen = app.screen
        assert screen.errors == {}
        assert {"fcoin-demo", "bitz-demo"} <= set(screen.balances)
        assert PASSPHRASE not in screen_text(app)


async def test_wrong_passphrase_changes_nothing_and_counts_down(home: Path, sandbox: Sandbox,
                                                                monkeypatch) -> None:
    path = make_vault(["fcoin-demo"])
    before = path.read_bytes()
    clock = SteppedClock()  # the countdown's clock: "1 s" stays until the test moves it
    monkeypatch.setattr("tui.screens.unlock.time", clock)
    app = CoinsoleApp(sandbox_session(sandbox))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
        await unlock_with(pilot, "not the passphrase")
        text = screen_text(app)
        assert "wrong passphrase; nothing was changed" in text
        assert "Try again in 1 s" in text  # the growing delay, as a countdown
        assert not app.vault.is_unlocked
        assert isinstance(app.screen, UnlockScreen)
        assert path.read_bytes() == before
        assert "not the passphrase" not in text
        # After the countdown the right passphrase still works.
        clock.advance(1.0)
        await wait_for(pilot, lambda: "Try again." in screen_text(app))
        await unlock_with(pilot)
        assert app.vault.is_unlocked


async def test_damaged_vault_is_named_and_the_app_still_starts(home: Path,
                                                               sandbox: Sandbox) -> None:
    path = make_vault(["fcoin-demo"])
    data = bytearray(path.read_bytes())
    data[3] ^= 0xFF  # the magic: damage the header
    path.write_bytes(bytes(data))
    app = CoinsoleApp(sandbox_session(sandbox))
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
        screen = app.screen
        assert screen.problem is not None
        text = screen_text(app)
        assert "damaged" in text and "coinsole vault import FILE" in text
        assert str(path) in screen.problem
        await pilot.press("escape")
        await wait_loaded(pilot)
        assert isinstance(app.screen, BalancesScreen)
        assert "vault is damaged" in app.screen.errors["fcoin-demo"]
        assert path.read_bytes() == bytes(data)  # never repaired or overwritten
        await pilot.press("g")  # still usable
        assert app.screen.group_by.value != "none"


async def test_damaged_ciphertext_found_at_unlock(home: Path, sandbox: Sandbox) -> None:
    path = make_vault(["fcoin-demo"])
    data = bytearray(path.read_bytes())
    data[-3] ^= 0x01  # inside the tag
    path.write_bytes(bytes(data))
    app = CoinsoleApp(sandbox_session(sandbox))
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
        await unlock_with(pilot)
        assert not app.vault.is_unlocked
        text = screen_text(app)
        assert "damaged" in text and "coinsole vault import FILE" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BalancesScreen)


async def test_continue_locked_shows_locked_profiles_and_ctrl_u_unlocks(
        home: Path, sandbox: Sandbox) -> None:
    make_vault(["fcoin-demo"])
    app = CoinsoleApp(sandbox_session(sandbox))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
        await pilot.press("escape")
        await wait_loaded(pilot)
        screen = app.screen
        assert isinstance(screen, BalancesScreen)
        assert screen.locked == {"fcoin-demo"} and screen.errors == {}
        text = screen_text(app)
        assert "vault is locked" in text and "ctrl+u unlocks" in text
        assert "Unlock" in text  # offered in the footer
        await pilot.press("ctrl+u")
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
        await unlock_with(pilot)
        await wait_loaded(pilot)
        assert screen.errors == {}
        assert screen.balances["fcoin-demo"]


async def test_ctrl_l_locks_and_drops_every_credential(home: Path, sandbox: Sandbox) -> None:
    make_vault(["fcoin-demo"], locked=False)
    vault = Vault()
    vault.unlock(PASSPHRASE)
    session = sandbox_session(sandbox, vault)
    app = CoinsoleApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert isinstance(app.screen, BalancesScreen)  # unlocked already: no prompt
        assert session._adapters, "the balances load built an adapter"
        assert "Lock" in screen_text(app)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert not vault.is_unlocked
        assert session._adapters == {}
        with pytest.raises(ConfigError, match="vault is locked: press ctrl\\+u"):
            session.adapter("fcoin-demo")
        rows = app.screen.table.row_count
        await pilot.press("r")
        await wait_loaded(pilot)
        assert "fcoin-demo" in app.screen.locked
        assert app.screen.table.row_count == rows  # locking does not wipe the rows


async def test_ctrl_l_works_inside_a_modal(home: Path, sandbox: Sandbox) -> None:
    make_vault(["fcoin-demo"], locked=False)
    vault = Vault()
    vault.unlock(PASSPHRASE)
    app = CoinsoleApp(sandbox_session(sandbox, vault))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("question_mark")
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert not vault.is_unlocked


async def test_idle_lock_after_the_configured_minutes(home: Path, sandbox: Sandbox,
                                                     monkeypatch) -> None:
    make_vault(["fcoin-demo"])
    vault = Vault()
    vault.unlock(PASSPHRASE)
    session = sandbox_session(sandbox, vault)
    clock = SteppedClock()  # the app's idle clock: idle time passes when the test says
    monkeypatch.setattr("tui.app.time", clock)
    app = CoinsoleApp(session, idle_lock_minutes=0.5 / 60)  # half a second
    checks = []
    check_idle_lock = app.check_idle_lock

    async def counted_check() -> None:
        checks.append(clock.now)
        await check_idle_lock()

    app.check_idle_lock = counted_check  # the idle timer's callback, counted
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        # Activity keeps it unlocked: a key every 0.4 s, 2.4 s in all, checked after each.
        for _ in range(6):
            clock.advance(0.4)
            await pilot.press("j")
            seen = len(checks)
            await wait_for(pilot, lambda: len(checks) > seen)
        assert vault.is_unlocked
        clock.advance(0.5)
        await wait_for(pilot, lambda: not vault.is_unlocked)
        assert session._adapters == {}
        assert "idle" in " ".join(str(n.message) for n in app._notifications)


async def test_no_vault_no_prompt_and_no_lock_keys(home: Path, sandbox: Sandbox) -> None:
    ProfileStore().add(demo_profile("fcoin-demo"))
    app = CoinsoleApp(sandbox_session(sandbox))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert isinstance(app.screen, BalancesScreen)
        assert not app.vault_locked and not app.vault_unlocked
        text = screen_text(app)
        assert "^l" not in text and "^u" not in text
