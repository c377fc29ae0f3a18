"""A QR code drawn in the terminal with half-block characters, scannable by a phone.

:class:`QRCode` encodes its text with segno and draws two module rows per terminal line
(``▀`` with the upper module as the foreground colour and the lower one as the
background). The symbol always uses pure black modules on pure white, with segno's
quiet zone of 4 white modules around it: these are deliberately *not* theme colours,
because a dark theme's inverted or tinted code is one many phone scanners refuse.
"""

from __future__ import annotations

import segno
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

__all__ = ["QRCode", "qr_modules", "QUIET_ZONE"]

QUIET_ZONE = 4
"""White modules around the symbol, as the QR standard asks."""

_DARK = "#000000"
_LIGHT = "#ffffff"


def qr_modules(data: str, *, border: int = QUIET_ZONE) -> list[list[bool]]:
    """The QR symbol for ``data`` as rows of modules (True = dark), quiet zone included.

    Error correction M, raised by segno when it fits in the same version."""
    code = segno.make(data, error="m", micro=False)
    return [[bool(m) for m in row] for row in code.matrix_iter(scale=1, border=border)]


class QRCode(Widget):
    """A QR code of :attr:`data` (empty: nothing is drawn), ``width`` modules wide and
    half as many lines tall, black on white whatever the theme."""

    DEFAULT_CSS = """
    QRCode { width: auto; height: auto; }
    """

    data: reactive[str] = reactive("", layout=True)
    """The text encoded (an address)."""

    def __init__(self, data: str = "", *, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._modules: list[list[bool]] = []
        self.set_reactive(QRCode.data, data)
        self._encode(data)

    def _encode(self, data: str) -> None:
        self._modules = qr_modules(data) if data else []

    def watch_data(self, data: str) -> None:
        """Re-encode when the text changes."""
        self._encode(data)
        self.refresh(layout=True)

    @property
    def modules(self) -> list[list[bool]]:
        """The symbol's modules, quiet zone included (True = dark)."""
        return self._modules

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return len(self._modules[0]) if self._modules else 0

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return (len(self._modules) + 1) // 2

    def render_line(self, y: int) -> Strip:
        """Line ``y``: module rows ``2y`` (upper half) and ``2y + 1`` (lower half)."""
        rows = self._modules
        if not rows or 2 * y >= len(rows):
            return Strip.blank(self.size.width)
        upper = rows[2 * y]
        lower = rows[2 * y + 1] if 2 * y + 1 < len(rows) else [False] * len(upper)
        segments = []
        for top, bottom in zip(upper, lower):
            style = Style(color=_DARK if top else _LIGHT, bgcolor=_DARK if bottom else _LIGHT)
            segments.append(Segment("▀", style))
        return Strip(Segment.simplify(segments)).crop_extend(0, self.size.width, None)

    def as_text(self) -> str:
        """The code as plain half-block text (``█▀▄ `` with dark as ink), for tests and
        for pasting into a light document."""
        rows = self._modules
        lines = []
        for y in range(0, len(rows), 2):
            upper = rows[y]
            lower = rows[y + 1] if y + 1 < len(rows) else [False] * len(upper)
            lines.append("".join({(True, True): "█", (True, False): "▀", (False, True): "▄",
                                  (False, False): " "}[(t, b)] for t, b in zip(upper, lower)))
        return "\n".join(lines)
