"""The "Download a history file" modal of the Statistics screen: BHEX's
``statistics/download_data`` saved into the exports directory with a progress bar.

The type and the date (``yyyy-MM-dd``, default yesterday UTC) are checked before anything
is sent; the file is streamed beside its target and moved into place only when complete
(:meth:`~tui.venues.bhex_stats.BhexStatsMixin.stats_download_data`), and an existing
file is never overwritten (a ``-1``, ``-2``… suffix is added). Enter starts; Esc closes,
dismissing with the saved path (or None).
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label, ProgressBar, Select, Static

from tui.core.errors import CoinsoleError
from tui.screens.modal import ModalBase, cancel_binding
from tui.venues.bhex_stats import DOWNLOAD_TYPES
from tui.widgets.record_table import export_dir

__all__ = ["DownloadScreen", "free_path"]


def free_path(directory: Path, stem: str, suffix: str = ".xlsx") -> Path:
    """``directory/stem.xlsx``, or with ``-1``, ``-2``… when taken."""
    candidate = directory / f"{stem}{suffix}"
    n = 0
    while candidate.exists():
        n += 1
        candidate = directory / f"{stem}-{n}{suffix}"
    return candidate


class DownloadScreen(ModalBase["Path | None"]):
    """Pick a file type and a date, then download it with a progress bar."""

    BINDINGS: list[BindingType] = [
        Binding("enter", "start", "Download", priority=True,
                tooltip="Download the chosen file into the exports directory"),
        cancel_binding("Close; a file already saved stays", description="Close",
                       action="close"),
    ]
    DEFAULT_CSS = """
    DownloadScreen > Vertical { width: 72; }
    DownloadScreen #dl-status { color: $text-muted; margin-top: 1; }
    DownloadScreen ProgressBar { margin-top: 1; }
    """

    def __init__(self, adapter: Any, *, directory: Path | None = None) -> None:
        super().__init__()
        self.adapter = adapter
        self.directory = directory
        self.saved: Path | None = None
        self.busy = False

    def compose(self) -> ComposeResult:
        yesterday = (datetime.now(timezone.utc).date() - timedelta(days=1)).isoformat()
        with Vertical() as box:
            box.border_title = "Download a history file"
            yield Label("type")
            yield Select([(t, t) for t in DOWNLOAD_TYPES], id="dl-type", value="balance",
                         allow_blank=False)
            yield Label("date (yyyy-mm-dd, UTC)")
            yield Input(yesterday, id="dl-date")
            # 0% until Enter: an indeterminate bar would read as a download running
            yield ProgressBar(total=100, id="dl-progress", show_eta=False)
            yield Static("Enter downloads into the exports directory", id="dl-status",
                         markup=False)

    def status(self, text: str) -> None:
        """Say ``text`` under the progress bar."""
        self.query_one("#dl-status", Static).update(text)

    def action_start(self) -> None:
        """Check the type and date, then download in a worker."""
        if self.busy:
            return
        kind = str(self.query_one("#dl-type", Select).value)
        day = self.query_one("#dl-date", Input).value.strip()
        try:
            self.adapter.check_download(kind, day)
        except CoinsoleError as exc:
            self.status(str(exc))
            return
        directory = self.directory or export_dir()
        target = free_path(directory, f"{kind}-{day}")
        self.busy = True
        self.query_one("#dl-progress", ProgressBar).update(total=None, progress=0)
        self.status(f"downloading {target.name}…")
        self.run_worker(self._download(kind, day, target), group="stats:download",
                        exclusive=True, exit_on_error=False)

    async def _download(self, kind: str, day: str, target: Path) -> None:
        bar = self.query_one("#dl-progress", ProgressBar)

        def progress(done: int, total: int | None) -> None:
            bar.update(total=total, progress=done)

        try:
            size = await self.adapter.stats_download_data(kind, day, target,
                                                          progress=progress)
        except asyncio.CancelledError:
            raise
        except CoinsoleError as exc:
            self.status(str(exc))
            return
        except OSError as exc:
            self.status(f"cannot save {target}: {exc.strerror or exc}")
            return
        finally:
            self.busy = False
        bar.update(total=size, progress=size)
        self.saved = target
        self.status(f"saved {target} ({size:,} bytes)")

    def action_close(self) -> None:
        """Close, with the saved file's path (or None)."""
        self.dismiss(self.saved)
