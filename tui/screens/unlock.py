"""Vault screens: unlock the vault (at start, on ``ctrl+u``, or when an action needs the
credentials) and create one (the first time credentials are saved from the TUI).

Argon2id takes about half a second, so every key derivation runs in a thread worker while
the modal shows "unlocking…". A wrong passphrase changes nothing and shows the growing
delay before the next attempt as a countdown; a damaged vault is named with the way out
(restore a backup with ``coinsole vault import FILE``), and Esc always lets the user in
with the vault's profiles unavailable.

:class:`LockAwareCredentials` wraps the session's credential resolver so that, while the
vault is locked, a profile that keeps its credentials there fails with a message telling
the user how to unlock it from the TUI.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Button, Input, Static

from tui.core.errors import ConfigError
from tui.screens.modal import ModalBase, cancel_binding
from tui.vault import (
    DEFAULT_KDF,
    InvalidPassphrase,
    KdfParams,
    Vault,
    VaultCorrupt,
    VaultError,
    VaultExists,
    WrongPassphrase,
)

if TYPE_CHECKING:
    from tui.config import Profile
    from tui.venues.base import Credentials

__all__ = [
    "UnlockScreen",
    "CreateVaultScreen",
    "LockAwareCredentials",
    "VaultModal",
    "locked_message",
    "corrupt_message",
    "RESTORE_COMMAND",
]

RESTORE_COMMAND = "coinsole vault import FILE"
"""The command that restores the vault from an encrypted backup."""


def locked_message(name: str) -> str:
    """What a profile whose credentials are in the locked vault reports in the TUI."""
    return (f"vault is locked: press ctrl+u to unlock it (profile {name!r} keeps its "
            "credentials there)")


def corrupt_message(path: object, detail: str) -> str:
    """The message for a damaged vault file: names it and says how to recover."""
    return (f"The vault file {path} is damaged or was tampered with ({detail}). It was "
            f"left exactly as it is. Restore a backup with `{RESTORE_COMMAND}`; until then "
            "continue locked (profiles with credentials in the vault are unavailable).")


class LockAwareCredentials:
    """A credential source for :class:`~tui.session.Session` that defers to ``resolver``
    (a :class:`~tui.credentials.CredentialResolver`) and, when the vault is locked and
    holds (or may hold) the profile's entry, raises a :class:`ConfigError` saying to press
    ctrl+u. Other errors pass through unchanged; no message ever carries a secret."""

    def __init__(self, resolver) -> None:
        self.resolver = resolver

    @property
    def vault(self) -> Vault:
        """The resolver's vault."""
        return self.resolver.vault

    def __call__(self, profile: "Profile | str") -> "Credentials":
        """The profile's credentials, or :class:`ConfigError` saying what to do."""
        name = profile if isinstance(profile, str) else profile.name
        try:
            return self.resolver(profile)
        except ConfigError:
            vault = self.resolver.vault
            if vault.exists and not vault.is_unlocked and self.resolver.needs_unlock([name]):
                problem = vault.status().problem
                if problem:
                    raise ConfigError(
                        f"vault is damaged ({problem}): restore a backup with "
                        f"`{RESTORE_COMMAND}` (profile {name!r} may keep its credentials "
                        "there)") from None
                raise ConfigError(locked_message(name)) from None
            raise


class VaultModal(ModalBase[bool]):
    """Shared layout and styles of the vault modals."""

    CANCEL_RESULT = False

    DEFAULT_CSS = """
    VaultModal > Vertical { width: 76; }
    VaultModal .lead { color: $foreground; margin-bottom: 1; }
    VaultModal Input { margin-bottom: 1; }
    VaultModal #status { color: $text-muted; height: auto; }
    VaultModal #status.-busy { color: $accent; text-style: italic; }
    VaultModal #status.-error { color: $error; }
    VaultModal #status.-ok { color: $success; }
    """

    def set_status(self, text: str, kind: str = "") -> None:
        """Show ``text`` in the status line, styled as ``kind`` (busy, error, ok or plain)."""
        status = self.query_one("#status", Static)
        status.update(text)
        status.set_classes("-" + kind if kind else "")


class UnlockScreen(VaultModal):
    """Asks for the vault's passphrase; dismisses with ``True`` once unlocked, ``False``
    when the user continues locked (Esc).

    ``vault`` is the :class:`~tui.vault.Vault` to open; ``unlock`` does the opening
    (default ``vault.unlock``; the app passes its resolver's, which also refreshes the
    profile index); ``reason`` says why the passphrase is needed now.
    """

    BINDINGS: list[BindingType] = [
        cancel_binding("Go on without the vault: its profiles stay unavailable",
                       "Continue locked", action="continue_locked"),
    ]

    def __init__(self, vault: Vault, *, unlock: Callable[[str], None] | None = None,
                 reason: str = "") -> None:
        super().__init__()
        self.vault = vault
        self._unlock = unlock or vault.unlock
        self.reason = reason
        self.busy = False
        """True while a passphrase is being tried."""
        self.problem: str | None = None
        """The damage message when the vault cannot be opened at all, else None."""
        self._retry_at = 0.0
        self._failure_text = ""
        self._countdown: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Unlock the vault"
            yield Static(
                (self.reason + "\n" if self.reason else "")
                + "Your API keys and secrets are in the encrypted vault. Enter its passphrase "
                "to use them, or press Esc to continue without them.",
                classes="lead", markup=False)
            yield Input(password=True, placeholder="passphrase", id="passphrase")
            yield Static("", id="status", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Continue locked  (esc)", id="skip")
                yield Button("Unlock  (enter)", id="unlock", variant="primary")

    def on_mount(self) -> None:
        status = self.vault.status()
        if status.problem:
            self._show_corrupt(status.problem)
            return
        self.query_one("#passphrase", Input).focus()
        if self.vault.unlock_delay() > 0:
            self._start_countdown("earlier attempts failed")

    # -- attempts -----------------------------------------------------------------------

    @on(Input.Submitted, "#passphrase")
    def _submitted(self) -> None:
        self.attempt()

    @on(Button.Pressed, "#unlock")
    def _unlock_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.attempt()

    @on(Button.Pressed, "#skip")
    def _skip_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_continue_locked()

    def attempt(self) -> None:
        """Try the typed passphrase in a thread worker (the input is cleared at once)."""
        if self.busy or self.problem is not None or self._waiting():
            return
        field = self.query_one("#passphrase", Input)
        passphrase, field.value = field.value, ""
        if not passphrase:
            self.set_status("type the vault's passphrase, or press Esc to continue locked",
                            "error")
            return
        self.busy = True
        self._enable(False)
        self.set_status("unlocking…", "busy")
        self.run_worker(lambda: self._attempt_blocking(passphrase), thread=True,
                        name="unlock", group="vault", exclusive=True, exit_on_error=False)

    def _attempt_blocking(self, passphrase: str) -> None:
        try:
            self._unlock(passphrase)
        except WrongPassphrase:
            self.app.call_from_thread(self._wrong)
        except VaultCorrupt as exc:
            self.app.call_from_thread(self._show_corrupt, exc.detail)
        except VaultError as exc:
            self.app.call_from_thread(self._error, str(exc))
        except Exception as exc:  # never let an unexpected failure kill the app
            self.app.call_from_thread(self._error, f"cannot unlock: {type(exc).__name__}")
        else:
            self.app.call_from_thread(self._unlocked)

    def _unlocked(self) -> None:
        self.busy = False
        self.set_status("unlocked", "ok")
        self.dismiss(True)

    def _wrong(self) -> None:
        self.busy = False
        self._enable(True)
        failures = self.vault.failed_attempts
        text = "wrong passphrase; nothing was changed"
        if failures > 1:
            text += f" ({failures} failed attempts in a row)"
        self._start_countdown(text)
        self.query_one("#passphrase", Input).focus()

    def _error(self, text: str) -> None:
        self.busy = False
        self._enable(True)
        self.set_status(text, "error")

    def _show_corrupt(self, detail: str) -> None:
        self.busy = False
        self.problem = corrupt_message(self.vault.path, detail)
        self.set_status(self.problem, "error")
        self.query_one("#passphrase", Input).disabled = True
        self.query_one("#unlock", Button).disabled = True
        self.query_one("#skip", Button).focus()

    # -- the countdown between failed attempts -------------------------------------------

    def _waiting(self) -> bool:
        return time.monotonic() < self._retry_at

    def _start_countdown(self, text: str) -> None:
        self._failure_text = text
        self._retry_at = time.monotonic() + self.vault.unlock_delay()
        if self._countdown is not None:
            self._countdown.stop()
        self._countdown = self.set_interval(0.2, self._tick)
        self._tick()

    def _tick(self) -> None:
        remaining = self._retry_at - time.monotonic()
        if remaining > 0:
            self.query_one("#unlock", Button).disabled = True
            self.set_status(f"{self._failure_text}. Try again in {remaining:.0f} s", "error")
            return
        if self._countdown is not None:
            self._countdown.stop()
            self._countdown = None
        if self.problem is None and not self.busy:
            self.query_one("#unlock", Button).disabled = False
            self.set_status(f"{self._failure_text}. Try again.", "error")

    def _enable(self, enabled: bool) -> None:
        self.query_one("#passphrase", Input).disabled = not enabled
        self.query_one("#unlock", Button).disabled = not enabled

    # -- leaving ------------------------------------------------------------------------

    def can_cancel(self) -> bool:
        """Not while a passphrase is being tried."""
        return not self.busy

    def action_continue_locked(self) -> None:
        """Close the modal without unlocking; vault profiles stay unavailable."""
        if self.can_cancel():
            self.query_one("#passphrase", Input).value = ""
        self.action_cancel()


class CreateVaultScreen(VaultModal):
    """Creates the vault the first time credentials are saved: a passphrase typed twice.

    Dismisses with ``True`` once created (``on_created`` then receives the new, unlocked
    :class:`~tui.vault.Vault`), ``False`` when cancelled. ``kdf`` sets the Argon2id costs
    (keep the default outside tests).
    """

    BINDINGS: list[BindingType] = [
        cancel_binding("Close without creating a vault"),
    ]

    def __init__(self, path, *, on_created: Callable[[Vault], None],
                 kdf: KdfParams = DEFAULT_KDF, vault_options: dict | None = None) -> None:
        super().__init__()
        self.path = path
        self._on_created = on_created
        self.kdf = kdf
        self._options = vault_options or {}
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Create the vault"
            yield Static(
                "API keys and secrets are kept only in an encrypted vault. Choose a "
                "passphrase for it: there is no way to recover it, so keep it safe.",
                classes="lead", markup=False)
            yield Input(password=True, placeholder="new passphrase", id="passphrase")
            yield Input(password=True, placeholder="the same passphrase again", id="again")
            yield Static("", id="status", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Cancel  (esc)", id="cancel")
                yield Button("Create  (enter)", id="create", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#passphrase", Input).focus()

    @on(Input.Submitted, "#passphrase")
    def _first_submitted(self) -> None:
        self.query_one("#again", Input).focus()

    @on(Input.Submitted, "#again")
    def _again_submitted(self) -> None:
        self.create()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "create":
            self.create()
        else:
            self.action_cancel()

    def create(self) -> None:
        """Check the two passphrases and create the vault in a thread worker."""
        if self.busy:
            return
        first = self.query_one("#passphrase", Input)
        again = self.query_one("#again", Input)
        if not first.value:
            self.set_status("the passphrase cannot be empty", "error")
            first.focus()
            return
        if first.value != again.value:
            again.value = ""
            self.set_status("the two passphrases differ; type it again", "error")
            again.focus()
            return
        passphrase = first.value
        first.value = again.value = ""
        self.busy = True
        self.set_status("creating the vault…", "busy")
        self.run_worker(lambda: self._create_blocking(passphrase), thread=True,
                        name="create-vault", group="vault", exclusive=True,
                        exit_on_error=False)

    def _create_blocking(self, passphrase: str) -> None:
        try:
            vault = Vault.init(self.path, passphrase, kdf=self.kdf, **self._options)
        except (VaultExists, InvalidPassphrase, VaultError) as exc:
            self.app.call_from_thread(self._failed, str(exc))
        except OSError as exc:
            self.app.call_from_thread(self._failed, f"cannot write the vault: {exc.strerror}")
        else:
            self.app.call_from_thread(self._created, vault)

    def _created(self, vault: Vault) -> None:
        self.busy = False
        self._on_created(vault)
        self.dismiss(True)

    def _failed(self, text: str) -> None:
        self.busy = False
        self.set_status(text, "error")

    def can_cancel(self) -> bool:
        """Not while the vault is being created."""
        return not self.busy
