"""The bar's approvals count is polled on an app timer; a tick that lands while the app
is closing (its screens already gone, more likely on a loaded machine) must do nothing,
not crash the app on its way out."""

from __future__ import annotations

from approvals_world import write_policy
from textual.app import ScreenStackError

from tui.demo import demo_session
from tui.screens.approvals import track_waiting


class ClosingApp:
    """Just what :func:`track_waiting` uses of an app, whose screens can be taken away."""

    demo_approvals = False

    def __init__(self) -> None:
        self.session = demo_session()
        self.closing = False
        self.ticks: list = []
        self.polled_screen = 0

    @property
    def screen(self):
        if self.closing:
            raise ScreenStackError("No screens on stack")
        self.polled_screen += 1
        return object()

    @property
    def screen_stack(self) -> list:
        return []

    def set_interval(self, period, callback, name=None) -> None:
        self.ticks.append(callback)


def test_a_tick_while_the_app_closes_does_nothing(tmp_path, monkeypatch) -> None:
    write_policy(tmp_path, monkeypatch)
    app = ClosingApp()
    track_waiting(app)
    assert len(app.ticks) == 1 and app.polled_screen == 1  # polled once at once
    app.ticks[0]()
    assert app.polled_screen == 2
    app.closing = True
    app.ticks[0]()  # raised ScreenStackError out of the timer before
