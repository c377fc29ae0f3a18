"""The welcome screen, shown when no profile is configured: start the demo, or add one."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Static

from tui.core.models import VENUE_IDS
from tui.widgets.key_footer import KeyFooter
from tui.widgets.title_bar import TitleBar

__all__ = ["WelcomeScreen", "ADD_PROFILE_COMMAND"]

ADD_PROFILE_COMMAND = (
    f"coinsole profile add NAME --venue {{{','.join(VENUE_IDS)}}} --base-url URL [--user-id ID]"
)
"""The command that adds a profile, as the welcome screen shows it."""


class WelcomeScreen(Screen[None]):
    """First-run screen: explains what coinsole is, offers the demo, and shows how to add
    a real profile."""

    SUB_TITLE = "welcome"

    BINDINGS: list[BindingType] = [
        Binding("d", "app.start_demo", "Start demo", tooltip="Open the balances of the built-in sandbox venues"),
    ]

    DEFAULT_CSS = """
    WelcomeScreen VerticalScroll { padding: 1 4; }
    WelcomeScreen .title { color: $primary; text-style: bold; margin-bottom: 1; }
    WelcomeScreen .lead { color: $foreground; margin-bottom: 1; }
    WelcomeScreen .heading { color: $accent; text-style: bold; margin-top: 1; }
    WelcomeScreen .command {
        color: $foreground;
        background: $panel;
        padding: 0 1;
        margin: 1 0 0 0;
        width: auto;
    }
    WelcomeScreen .note { color: $text-muted; margin-top: 1; }
    WelcomeScreen Center { height: auto; margin: 1 0; }
    """

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll():
            yield Static("Welcome to coinsole", classes="title", markup=False)
            yield Static(
                "A keyboard-driven console for your exchange accounts: balances across every "
                "venue and account, exact to the last digit the venue sends.\n"
                "No profile is configured yet.",
                classes="lead", markup=False,
            )
            yield Static("Try it now", classes="heading", markup=False)
            yield Static(
                "The demo runs five simulated venues in process: no network, no keys. "
                "Press ? in the demo for BHEX's demo trade password and the withdrawal "
                "addresses its venues have whitelisted.",
                classes="lead", markup=False,
            )
            with Center():
                yield Button("Start the demo  (d)", id="start-demo", variant="primary")
            yield Static("Add a real profile", classes="heading", markup=False)
            yield Static(
                "Here: press 2 (Profiles) to add one. Its key and secret go into the "
                "vault, a file encrypted with a passphrase you choose (coinsole offers to "
                "create it); coinsole asks for the passphrase when it starts.",
                classes="lead", markup=False,
            )
            with Center():
                yield Button("Profiles  (2)", id="open-profiles")
            yield Static("Or run, in your shell:", classes="note", markup=False)
            yield Static(ADD_PROFILE_COMMAND, classes="command", markup=False)
            yield Static(
                "then give it its key and secret in the environment (NAME in upper case):",
                classes="note", markup=False,
            )
            yield Static(
                "export COINSOLE_<NAME>_API_KEY=…\nexport COINSOLE_<NAME>_API_SECRET=…",
                classes="command", markup=False,
            )
            yield Static("and start coinsole again.", classes="note", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#start-demo", Button).focus()

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start-demo":
            event.stop()
            await self.app.run_action("start_demo")
        elif event.button.id == "open-profiles":
            event.stop()
            await self.app.run_action("open_profiles")
