"""Issue 12 (clumsy): no screen binds ``ctrl+b``, tmux's prefix key (Move money's Max was
on it; it is ``ctrl+g`` now)."""

from __future__ import annotations

from textual.binding import Binding

import tui.screens.activity
import tui.screens.balances
import tui.screens.deposit
import tui.screens.history
import tui.screens.move
import tui.screens.order_form
import tui.screens.orders
import tui.screens.profiles
from tui.app import CoinsoleApp


def test_nothing_binds_ctrl_b() -> None:
    modules = (tui.screens.activity, tui.screens.balances, tui.screens.deposit,
               tui.screens.history, tui.screens.move, tui.screens.order_form,
               tui.screens.orders, tui.screens.profiles)
    classes = [CoinsoleApp] + [obj for m in modules for obj in vars(m).values()
                               if isinstance(obj, type) and hasattr(obj, "BINDINGS")]
    for cls in classes:
        for binding in cls.BINDINGS:
            if isinstance(binding, Binding):
                assert "ctrl+b" not in binding.key.split(","), cls
    keys = [b.key for b in tui.screens.move.MoveScreen.BINDINGS if isinstance(b, Binding)]
    assert "ctrl+g" in keys
