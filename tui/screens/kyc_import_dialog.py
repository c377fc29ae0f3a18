"""Import KYC from a CSV file (``I`` on the Users screen), as ``coinsole users kyc-import``
does (:mod:`tui.support.kyc_csv`, :mod:`tui.support.kyc_import`).

Type the file's path, Enter (or ``ctrl+s``) previews it: every row is checked first, and any
invalid row refuses the whole file (each bad line named); then every row's user's KYC is read
and the per-user diff shown (a user the org does not have refuses the file too). ``ctrl+s``
then confirms once (how many users each field changes for) and sends the rows that change as
one journaled ``user/batch_update_user_kyc_info``, through the approvals gate.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import SecretStr, ValidationError
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Label, Static

from tui.core.errors import CoinsoleError
from tui.screens.user_write_base import UserWriteDialog, WriteInvalid
from tui.screens.user_write_dialogs import validation_text

__all__ = ["KycImportDialog", "MAX_SHOWN"]

MAX_SHOWN = 400
"""Preview lines drawn at most (the counts line always names every row)."""


class KycImportDialog(UserWriteDialog):
    """Preview a KYC CSV against the org's users, then send it as one batch."""

    TITLE = "Import KYC from a CSV file"

    DEFAULT_CSS = """
    KycImportDialog > VerticalScroll { width: 100; }
    KycImportDialog #kyc-preview { height: auto; max-height: 20; border: round $panel; }
    KycImportDialog #kyc-counts { height: auto; text-style: bold; }
    """

    def __init__(self, session: Any, profile: str, user_id: str | None = None) -> None:
        super().__init__(session, profile, None)
        self.preview: Any = None
        self.previewed: Path | None = None
        """The file :attr:`preview` is of (None: nothing previewed yet)."""

    def box_title(self) -> str:
        return self.TITLE

    def fields(self) -> ComposeResult:
        yield Label("CSV file (columns user_id, country_code, first_name, last_name, "
                    "card_type, card_no, verify_status) ⏎ previews", classes="field-label")
        yield Input(id="kyc-path", placeholder="~/kyc.csv", compact=True)
        with VerticalScroll(id="kyc-preview"):
            yield Static("", id="kyc-rows", markup=False)
        yield Static("", id="kyc-counts", markup=False)

    def _path(self) -> Path | None:
        text = self.query_one("#kyc-path", Input).value.strip()
        return Path(text).expanduser() if text else None

    def _show(self, lines: list[str], counts: str) -> None:
        more = len(lines) - MAX_SHOWN
        shown = lines[:MAX_SHOWN] + ([f"… and {more} more lines"] if more > 0 else [])
        self.query_one("#kyc-rows", Static).update("\n".join(shown))
        self.query_one("#kyc-counts", Static).update(counts)

    @on(Input.Changed, "#kyc-path")
    def _path_changed(self) -> None:
        if self.previewed is not None and self._path() != self.previewed:
            self.preview, self.previewed = None, None
            self._show([], "")

    @on(Input.Submitted, "#kyc-path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_review()

    async def load(self, path: Path) -> None:
        """Check and preview the file at ``path``; :class:`WriteInvalid` refuses it."""
        from tui.support.kyc_csv import KycCsvError, read_kyc_csv
        from tui.support.kyc_import import preview_kyc

        self._show([], f"reading {path.name}…")
        try:
            rows = read_kyc_csv(path)
        except KycCsvError as exc:
            self._show([], "")
            raise WriteInvalid(f"{path.name}: {exc}") from None
        self._show([], f"{len(rows)} rows checked; reading every user's KYC now…")
        try:
            preview = await preview_kyc(self.session.adapter(self.profile), rows)
        except CoinsoleError:
            self._show([], "")
            raise
        if preview.missing:
            self._show(preview.missing, "")
            raise WriteInvalid(f"{path.name}: {len(preview.missing)} row(s) name users the "
                               "org does not have, the file is refused")
        self.preview, self.previewed = preview, path
        self._show(preview.lines(), preview.counts() + (
            "; ctrl+s sends them (confirmed once)" if preview.chosen else
            "; nothing to change"))

    async def build(self) -> tuple[Any, dict[str, SecretStr]] | None:
        """The first time (or for another file): the preview, nothing to confirm yet; then
        the batch of the rows that change."""
        from tui.support.kyc_import import batch_request

        path = self._path()
        if path is None:
            raise WriteInvalid("type the CSV file's path")
        if self.preview is None or self.previewed != path:
            await self.load(path)
            return None
        chosen = self.preview.chosen
        if not chosen:
            raise WriteInvalid("every row already reads so; nothing to change")
        try:
            request = batch_request(self.session.adapter(self.profile), chosen,
                                    profile=self.profile, source=path.name)
        except ValidationError as exc:
            raise WriteInvalid(validation_text(exc)) from None
        return request, {}

    def question(self, request: Any) -> str:
        """How many users, from which file."""
        return f"Update the KYC of {len(request.changes)} users from {request.source}?"
