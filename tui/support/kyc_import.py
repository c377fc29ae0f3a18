"""``coinsole users kyc-import``: a checked CSV (:mod:`tui.support.kyc_csv`) previewed
against every user's current KYC, then sent as one journaled batch
(``user/batch_update_user_kyc_info``) after one confirmation.

A row naming a user the org does not have refuses the whole file, like an invalid row.
Rows whose KYC already reads so are shown and left out of the batch.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import click

from tui.core.errors import InvalidRequest
from tui.support.kyc_csv import KycRow

__all__ = ["import_kyc", "preview_lines", "KycPreview", "preview_kyc", "batch_request"]

_PARALLEL = 8


async def _current(adapter: Any, rows: list[KycRow]) -> tuple[dict[str, dict[str, Any]],
                                                               list[str]]:
    """Every row's user's KYC now, and a line per row whose user is not found."""
    from tui.support.user_requests import current_kyc

    gate = asyncio.Semaphore(_PARALLEL)
    missing: list[str] = []
    found: dict[str, dict[str, Any]] = {}

    async def read(row: KycRow) -> None:
        async with gate:
            try:
                found[row.user_id] = await current_kyc(adapter, row.user_id)
            except InvalidRequest as exc:
                if "no such" not in str(exc):
                    raise
                missing.append(f"line {row.line}: no such user {row.user_id}")

    await asyncio.gather(*(read(r) for r in rows))
    return found, sorted(missing, key=lambda text: int(text.split()[1].rstrip(":")))


def preview_lines(rows: list[KycRow], changes: dict[str, Any]) -> list[str]:
    """Every row as its line, its user and the fields that change (before -> after)."""
    lines = []
    for row in rows:
        diff = changes[row.user_id].diff()
        lines.append(f"line {row.line:<5} user {row.user_id}"
                     + ("  (no change; left out)" if not diff else ""))
        lines += [f"    {name:<14} {old} -> {new}" for name, old, new in diff]
    return lines


@dataclass(frozen=True)
class KycPreview:
    """Checked rows against the users' KYC now: each row's change, and a line per row
    naming a user the org does not have (any refuses the file)."""

    rows: list[KycRow]
    changes: dict[str, Any]
    missing: list[str]

    @property
    def chosen(self) -> tuple[Any, ...]:
        """The changes to send: the rows whose KYC does not already read so."""
        return tuple(self.changes[r.user_id] for r in self.rows
                     if self.changes[r.user_id].diff())

    def lines(self) -> list[str]:
        """Every row with the fields it changes (:func:`preview_lines`)."""
        return preview_lines(self.rows, self.changes)

    def counts(self) -> str:
        """How many rows change."""
        chosen = len(self.chosen)
        return (f"{len(self.rows)} rows: {chosen} change, {len(self.rows) - chosen} already "
                "read so")


async def preview_kyc(adapter: Any, rows: list[KycRow]) -> KycPreview:
    """Read every row's user's KYC now (in parallel) and diff each row against it."""
    from tui.support.user_requests import KycChange

    before, missing = await _current(adapter, rows)
    if missing:
        return KycPreview(rows, {}, missing)
    changes = {r.user_id: KycChange(user_id=r.user_id, new=r.fields, before=before[r.user_id])
               for r in rows}
    return KycPreview(rows, changes, [])


def batch_request(adapter: Any, chosen: tuple[Any, ...], *, profile: str,
                  source: str) -> Any:
    """The journaled batch of ``chosen`` changes by this operator (the call's own
    ``user_id`` is the profile's user); raises pydantic's ValidationError."""
    from tui.support.actions import current_operator
    from tui.support.user_requests import KycUpdateRequest
    from tui.support.writes import new_key

    caller = getattr(adapter.settings, "user_id", None) or chosen[0].user_id
    return KycUpdateRequest(profile=profile, client_key=new_key("kb"), user_id=caller,
                            operator=current_operator(), changes=chosen, batch=True,
                            source=source)


async def import_kyc(ctx: Any, adapter: Any, rows: list[KycRow], *, source: str,
                     profile: str, dry_run: bool, yes: bool) -> int:
    """Preview ``rows`` against the users' KYC now; unless ``dry_run``, send the rows that
    change in one journaled batch (confirmed once); an exit code."""
    from pydantic import ValidationError

    from tui.support.writes import send_write

    preview = await preview_kyc(adapter, rows)
    missing = preview.missing
    if missing:
        click.echo(f"coinsole: {source}: {len(missing)} row(s) name users the org does not "
                   f"have, the file is refused: {'; '.join(missing[:20])}; nothing was sent",
                   err=True)
        return 2
    click.echo("\n".join(preview.lines()))
    chosen = preview.chosen
    click.echo(preview.counts())
    if dry_run:
        click.echo("dry run: nothing was sent")
        return 0
    if not chosen:
        click.echo("nothing to change; nothing was sent")
        return 0
    try:
        request = batch_request(adapter, chosen, profile=profile, source=source)
    except ValidationError as exc:
        click.echo(f"coinsole: {exc.errors()[0].get('msg')}; nothing was sent", err=True)
        return 2
    code = await send_write(ctx, request, yes=yes)
    entry = ctx.journal.by_key(request.client_key)
    if code == 0 and entry is not None and entry.receipt is not None \
            and "failed" in (entry.receipt.evidence or ""):
        click.echo(f"some rows were refused: {entry.receipt.evidence}")
    return code
