"""Issue 12 (clumsy): one convention for every dialog. ``ctrl+s`` confirms (or sends, or
saves) and ``esc`` cancels, in the yes/no questions as in the forms and Move money's
confirmation; a yes/no question takes ``y``/``n`` as well. Each dialog says its keys."""

from __future__ import annotations

import pytest
from test_app_support import screen_text
from textual.app import App
from textual.binding import Binding

from tui.screens.activity import ResolveScreen, TradePasswordScreen
from tui.screens.columns import ColumnChooserScreen
from tui.screens.confirm import ConfirmScreen
from tui.screens.move_confirm import MoveConfirmScreen
from tui.screens.order_form import OrderFormScreen
from tui.screens.profiles import ProfileFormScreen

DIALOGS = (ConfirmScreen, MoveConfirmScreen, OrderFormScreen, ProfileFormScreen,
           ResolveScreen, TradePasswordScreen, ColumnChooserScreen)


def keys_of(cls) -> set[str]:
    return {key.strip() for b in cls.BINDINGS if isinstance(b, Binding)
            for key in b.key.split(",")}


@pytest.mark.parametrize("dialog", DIALOGS, ids=lambda c: c.__name__)
def test_every_dialog_confirms_with_ctrl_s_and_cancels_with_esc(dialog) -> None:
    keys = keys_of(dialog)
    assert "ctrl+s" in keys and "escape" in keys


class _Host(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.answers: list[bool] = []

    def on_mount(self) -> None:
        self.ask()

    def ask(self) -> None:
        self.push_screen(ConfirmScreen("Remove profile desk?", "It is deleted."),
                         callback=self.answers.append)


async def test_confirm_screen_takes_ctrl_s_y_esc_n_and_says_so() -> None:
    app = _Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "(ctrl+s/y)" in text and "(esc/n)" in text
        for key in ("ctrl+s", "escape", "y", "n"):
            await pilot.press(key)
            await pilot.pause()
            app.ask()
            await pilot.pause()
        assert app.answers == [True, False, True, False]
