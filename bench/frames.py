"""When a headless Textual app composed its frames: the time a bench step shows on screen.

``pilot.pause()`` waits for the process to be idle in steps of 20 ms (Textual's
``wait_for_idle``), so a step timed to the end of a pause is never under 20-30 ms whatever
the app does. :class:`FrameClock` records when the app composed each frame instead (the
compositor's update handed to ``App._display``, which a headless app then does not write),
so a step is timed from its call to the first frame composed after its result arrived.
"""

from __future__ import annotations

import time
from typing import Any


class FrameClock:
    """Records the ``perf_counter`` time of every frame ``app`` composes (see the module)."""

    def __init__(self, app: Any) -> None:
        self.frames: list[float] = []  # float-ok: perf_counter seconds
        display = app._display

        def timed_display(screen: Any, renderable: Any) -> None:
            if renderable is not None:
                self.frames.append(time.perf_counter())
            display(screen, renderable)

        app._display = timed_display

    def first_after(self, moment: float) -> float | None:  # float-ok: seconds
        """The first frame composed at or after ``moment`` (None if none yet)."""
        return next((t for t in self.frames if t >= moment), None)


class ArrivalClock:
    """Records when a widget's results arrived: wraps its method ``name`` (for the
    virtual table, ``_apply``, which puts a fetched window in place)."""

    def __init__(self, widget: Any, name: str) -> None:
        self.last = 0.0  # float-ok: perf_counter seconds
        method = getattr(widget, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            result = method(*args, **kwargs)
            self.last = time.perf_counter()
            return result

        setattr(widget, name, timed)
