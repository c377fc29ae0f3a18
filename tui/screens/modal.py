"""What every coinsole modal shares: a centred, bordered box, its buttons row and hint
line, the Esc bindings, and "cancel" (dismiss with no answer).

A modal subclasses :class:`ModalBase`, composes one ``Vertical`` (or ``VerticalScroll``)
box and sets only what is its own in ``DEFAULT_CSS`` (the box's width, padding, grid…)::

    class AskScreen(ModalBase[bool]):
        TONE = "warning"          # a warning border: the modal commits or decides something
        CANCEL_RESULT = False     # what Esc (action_cancel) dismisses with
        BINDINGS = [Binding("y", "confirm", "Yes"), cancel_binding("Do nothing")]
        DEFAULT_CSS = "AskScreen > Vertical { width: 64; }"

Bindings stay on each modal's own ``BINDINGS`` (built with :func:`close_binding` and
:func:`cancel_binding`), so the footer order and the "this screen" section of ``?`` help
are the modal's own.
"""

from __future__ import annotations

from typing import ClassVar, Generic, TypeVar

from textual.binding import Binding
from textual.screen import ModalScreen

__all__ = ["ModalBase", "cancel_binding", "close_binding"]

ResultT = TypeVar("ResultT")


def close_binding(description: str = "Close", *, keys: str = "escape,enter,q",
                  tooltip: str | None = None) -> Binding:
    """The binding closing a read-only modal (Esc, Enter or q; shown as ``esc``): it runs
    Textual's ``dismiss`` action, dismissing with None."""
    return Binding(keys, "dismiss", description, key_display="esc", tooltip=tooltip or "")


def cancel_binding(tooltip: str, description: str = "Cancel", *, keys: str = "escape",
                   action: str = "cancel", key_display: str | None = None) -> Binding:
    """The binding leaving a modal without an answer (Esc by default), running
    ``action`` (default :meth:`ModalBase.action_cancel`); ``tooltip`` says what is kept
    or dropped."""
    return Binding(keys, action, description, key_display=key_display, tooltip=tooltip)


class ModalBase(ModalScreen[ResultT], Generic[ResultT]):
    """A coinsole modal: centred on the screen, its one child box bordered in the theme's
    ``$primary`` (or ``$warning`` with ``TONE = "warning"``) over ``$surface``.

    Shared styles: the box (``> Vertical`` / ``> VerticalScroll``: ``height: auto``,
    ``max-width: 100%``, padding ``1 2``), ``.buttons`` (a right-aligned row, buttons two
    cells apart) and ``.hint`` (muted line under the content). Subclasses set the box's
    width and anything else of their own.
    """

    TONE: ClassVar[str] = "primary"
    """``"primary"`` or ``"warning"``: the colour of the box's border and title."""

    CANCEL_RESULT: ClassVar[object] = None
    """What :meth:`action_cancel` dismisses with."""

    DEFAULT_CSS = """
    ModalBase { align: center middle; }
    ModalBase > Vertical, ModalBase > VerticalScroll {
        max-width: 100%;
        height: auto;
        border: round $primary;
        border-title-color: $primary;
        background: $surface;
        padding: 1 2;
    }
    ModalBase.-warning > Vertical, ModalBase.-warning > VerticalScroll {
        border: round $warning;
        border-title-color: $warning;
    }
    ModalBase .buttons { height: auto; margin-top: 1; align-horizontal: right; }
    ModalBase .buttons Button { margin-left: 2; }
    ModalBase .hint { color: $text-muted; margin-top: 1; }
    """

    def __init__(self, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        if self.TONE == "warning":
            self.add_class("-warning")

    def can_cancel(self) -> bool:
        """Whether :meth:`action_cancel` may close the modal now (False while it is busy
        sending or saving, for the modals that say so)."""
        return True

    def clear_secrets(self) -> None:
        """Forget any secret typed into the modal (the app calls this when it locks the
        vault; :meth:`action_cancel` calls it before closing). Nothing by default."""

    def action_cancel(self) -> None:
        """Close without an answer: dismiss with :attr:`CANCEL_RESULT`, dropping any typed
        secret, unless :meth:`can_cancel` says not now."""
        if not self.can_cancel():
            return
        self.clear_secrets()
        self.dismiss(self.CANCEL_RESULT)
