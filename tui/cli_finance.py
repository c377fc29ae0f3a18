"""Command line for the BHEX org's finance tasks: ``coinsole finance airdrop|lock|unlock|
batch-lock|batch-unlock FILE.csv``, ``finance result ID`` and ``finance resume ENTRY``.

A batch file is checked whole first (:mod:`tui.finance.batch`; any invalid row refuses it,
exit 2, nothing journaled) and previewed with its per-coin totals against the operating
account's available balance. ``--dry-run`` stops there. Otherwise the batch takes the
route every money command takes (:func:`tui.cli_moves._move`): the approvals policy decides
first (blocked: exit 3; needs approval: journaled PENDING_APPROVAL as ONE request with its
totals, row count and file hash, exit 5), the confirmation, then the journal holds the
batch with every task's ``client_order_id`` before the first task is sent. Then the result
calls are polled and every row's outcome shown (``--export`` writes them as CSV).

Exit codes: 0 every row done, 1 cancelled, 2 invalid input, 3 refused (by the policy, the
venue, or for some rows), 4 outcome unknown (``finance resume ENTRY`` or ``coinsole
journal settle`` finishes it without sending a task twice), 5 submitted for approval.
"""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Any

import click

from tui.cli_org import bhex_context
from tui.cli_org import fail as _fail
from tui.core.errors import CoinsoleError

__all__ = ["register", "finance"]

EXIT_OK, EXIT_DECLINED, EXIT_USAGE, EXIT_REFUSED, EXIT_UNKNOWN, EXIT_APPROVAL = 0, 1, 2, 3, 4, 5
_OPS = ("airdrop", "lock", "unlock", "batch-lock", "batch-unlock")
_DEMO_HELP = "Use the built-in sandbox's demo profiles (nothing persists)."
ROWS_SHOWN = 100
"""Up to this many rows every row is printed; beyond, the counts and the rows not done."""


def _context(demo: bool, profile: str):
    return bhex_context(demo, profile, "finance tasks")


class _Progress:
    """A one-line progress bar on stderr (only on a terminal, or when forced)."""

    def __init__(self, force: bool = False) -> None:
        self.show = force or sys.stderr.isatty()
        self.last = ""

    def __call__(self, phase: str, done: int, total: int) -> None:
        if not self.show:
            return
        width = 30
        filled = width * done // max(total, 1)
        line = f"\r{phase:<8} [{'#' * filled}{'.' * (width - filled)}] {done}/{total} tasks"
        if line != self.last:
            click.echo(line, err=True, nl=done >= total)
            self.last = line


def _print_results(rows: list[Any], *, show_all: bool) -> tuple[int, int, int]:
    """Print the results table; (done, failed, unknown) counts."""
    done = sum(1 for r in rows if r.ok)
    failed = sum(1 for r in rows if r.ok is False)
    unknown = len(rows) - done - failed
    shown = rows if show_all or len(rows) <= ROWS_SHOWN else [r for r in rows if not r.ok]
    if shown:
        click.echo(f"{'line':>7}  {'uid':<20} {'coin':<8} {'amount':>20}  outcome")
        for r in shown:
            click.echo(f"{r.line:>7}  {r.uid:<20} {r.coin:<8} {format(r.amount, 'f'):>20}  "
                       f"{r.outcome}")
    click.echo(f"{len(rows)} rows: {done} done, {failed} failed, {unknown} not known yet")
    return done, failed, unknown


def _rows_json(rows: list[Any]) -> list[dict[str, Any]]:
    return [{"line": r.line, "uid": r.uid, "coin": r.coin, "amount": format(r.amount, "f"),
             "client_order_id": r.client_order_id, "outcome": r.outcome, "ok": r.ok}
            for r in rows]


async def _results(ctx: Any, adapter: Any, entry: Any, *, as_json: bool, export: str | None,
                   wait: float, show_all: bool) -> int:  # float-ok: seconds
    """Poll the batch's tasks, print (and export) every row's outcome; the exit code."""
    from tui.finance import send

    request = entry.request
    progress = _Progress()
    send.PROGRESS[request.client_key] = progress
    try:
        rows = await send.collect_results(adapter, request, entry.receipt, wait_s=wait)
    finally:
        send.PROGRESS.pop(request.client_key, None)
    if export:
        send.write_results_csv(export, rows)
    if as_json:
        click.echo(json.dumps({"entry": entry.id, "state": entry.state.value,
                               "batch": request.client_key, "rows": _rows_json(rows)},
                              ensure_ascii=False, indent=2))
        failed = sum(1 for r in rows if r.ok is False)
        unknown = sum(1 for r in rows if r.ok is None)
    else:
        _, failed, unknown = _print_results(rows, show_all=show_all)
        if export:
            click.echo(f"results written to {export}")
    return EXIT_REFUSED if failed else EXIT_UNKNOWN if unknown else EXIT_OK


def _batch_command(op_name: str):
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--profile", "profile", required=True, metavar="P",
                  help="The BHEX profile whose org runs the task.")
    @click.option("--demo", is_flag=True, help=_DEMO_HELP)
    @click.option("--dry-run", is_flag=True, help="Check and preview only; send nothing.")
    @click.option("--yes", is_flag=True, help="Skip the confirmation prompt.")
    @click.option("--json", "as_json", is_flag=True, help="Print JSON (exact amounts).")
    @click.option("--export", metavar="OUT.csv", help="Write every row's outcome as CSV.")
    @click.option("--task-size", default=None, type=click.IntRange(1, 5000),
                  help="Rows per task (default 500).")
    @click.option("--data-type", type=click.Choice(["simple", "json"]),
                  help="How items are sent (default: simple unless a row needs json).")
    @click.option("--desc", metavar="TEXT", help="The task's description (100 characters).")
    @click.option("--allow-duplicates", is_flag=True,
                  help="Accept the same uid and coin on several rows.")
    @click.option("--wait", default=120, show_default=True, type=click.IntRange(0, 3600),
                  help="Seconds to wait for the venue to finish the tasks.")
    @click.option("--all-rows", is_flag=True, help="Print every row, however many.")
    def command(file: Path, profile: str, demo: bool, dry_run: bool, yes: bool,
                as_json: bool, export: str | None, task_size: int | None,
                data_type: str | None, desc: str | None, allow_duplicates: bool, wait: int,
                all_rows: bool) -> None:
        from tui.venues.bhex_finance import DESC_MAX, FinanceOp

        op = FinanceOp(op_name)
        if desc is not None and (len(desc) > DESC_MAX or not desc.isprintable()):
            _fail(f"--desc is at most {DESC_MAX} printable characters")
        if not file.is_file():
            _fail(f"no file {file}")
        ctx = _context(demo, profile)
        code = ctx.run(lambda c: _send(c, op, file, profile, dry_run=dry_run, yes=yes,
                                       as_json=as_json, export=export, task_size=task_size,
                                       data_type=data_type, desc=desc,
                                       allow_duplicates=allow_duplicates, wait=wait,
                                       all_rows=all_rows))
        if code:
            raise SystemExit(code)

    command.__doc__ = (f"Check FILE.csv (uid,coin,amount[,lock][,subject]) and run it as "
                       f"{op_name} tasks of the org (preview, approval, journal, send, "
                       "results).")
    return command


async def _send(ctx: Any, op: Any, file: Path, profile: str, *, dry_run: bool, yes: bool,
                as_json: bool, export: str | None, task_size: int | None,
                data_type: str | None, desc: str | None, allow_duplicates: bool, wait: int,
                all_rows: bool) -> int:
    from tui.cli_moves import _move
    from tui.core.moves import Settlement
    from tui.finance import send
    from tui.finance.batch import BatchRefused, prepare_csv
    from tui.finance.checks import batch_checks
    from tui.finance.request import TASK_ROWS, plan_batch

    adapter = ctx.session.adapter(profile)
    try:
        checks = await batch_checks(adapter, file, op)
    except BatchRefused as exc:
        click.echo(f"coinsole: {exc}", err=True)
        return EXIT_USAGE
    except CoinsoleError as exc:
        click.echo(f"coinsole: cannot check the batch: {exc}", err=True)
        return EXIT_REFUSED
    index = checks.pop("_index")
    try:
        batch = prepare_csv(op, file, allow_duplicates=allow_duplicates, **checks)
    except BatchRefused as exc:
        click.echo(f"coinsole: {file.name}: {exc}", err=True)
        return EXIT_USAGE
    finally:
        index.close()
    request = plan_batch(batch, profile=profile, task_rows=task_size or TASK_ROWS,
                         data_type=data_type, desc=desc)
    preview = batch.preview_lines() + [f"  {len(request.tasks)} tasks of at most "
                                       f"{task_size or TASK_ROWS if op.is_batch else 1} rows"]
    short = batch.shortfalls()
    if as_json and dry_run:
        click.echo(json.dumps({"op": op.value, "rows": batch.row_count,
                               "tasks": len(request.tasks), "sha256": batch.file_hash,
                               "totals": request.totals,
                               "available": {c: (None if v is None else format(v, "f"))
                                             for c, v in batch.available.items()},
                               "short": {c: format(v, "f") for c, v in short.items()}},
                              indent=2))
    else:
        click.echo("\n".join(preview), err=as_json)
    if short:
        click.echo("coinsole: the operating account lacks "
                   + ", ".join(f"{format(v, 'f')} {c}" for c, v in sorted(short.items()))
                   + "; nothing was sent", err=True)
        return EXIT_USAGE
    if dry_run:
        if not as_json:
            click.echo("dry run: nothing was sent")
        return EXIT_OK
    available = None
    if op.spends_operating_account:
        # several coins: the policy reads each coin's own balance (tui.approvals.per_coin)
        available = (next(iter(batch.available.values())) if len(batch.totals) == 1
                     else dict(batch.available))
    progress = _Progress()
    send.PROGRESS[request.client_key] = progress
    try:
        with contextlib.redirect_stdout(sys.stderr) if as_json else contextlib.nullcontext():
            code = await _move(ctx, request, Settlement.KEYED, request.summary(), yes=yes,
                               as_json=False, available=available)
    finally:
        send.PROGRESS.pop(request.client_key, None)
    entry = ctx.journal.by_key(request.client_key)
    if code != EXIT_OK or entry is None:
        return code
    return await _results(ctx, adapter, entry, as_json=as_json, export=export, wait=wait,
                          show_all=all_rows)


@click.group()
def finance() -> None:
    """The BHEX org's finance tasks: airdrops, batch lock/unlock, lock/unlock."""


for _name in _OPS:
    finance.command(_name)(_batch_command(_name))


def _entry(ctx: Any, ident: str) -> Any:
    from tui.finance.request import is_finance_request

    entry = ctx.journal.by_key(ident)
    if entry is None and ident.isdigit():
        try:
            entry = ctx.journal.get(int(ident))
        except CoinsoleError:
            entry = None
    if entry is not None and not is_finance_request(entry.request):
        _fail(f"journal entry {entry.id} is not a finance batch")
    return entry


@finance.command("result")
@click.argument("ident", metavar="ID")
@click.option("--profile", "profile", required=True, metavar="P")
@click.option("--demo", is_flag=True, help=_DEMO_HELP)
@click.option("--op", type=click.Choice(["airdrop", "batch-lock", "batch-unlock", "transfer"]),
              help="For a task's client_order_id: which result call (default: each).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (exact amounts).")
@click.option("--export", metavar="OUT.csv", help="Write every row's outcome as CSV.")
@click.option("--wait", default=0, show_default=True, type=click.IntRange(0, 3600))
@click.option("--all-rows", is_flag=True, help="Print every row, however many.")
def finance_result(ident: str, profile: str, demo: bool, op: str | None, as_json: bool,
                   export: str | None, wait: int, all_rows: bool) -> None:
    """The outcome of a batch (its journal entry number or batch key: every row) or of one
    task (its client_order_id: the venue's result call)."""
    ctx = _context(demo, profile)

    async def work(c: Any) -> int:
        adapter = c.session.adapter(profile)
        entry = _entry(c, ident)
        try:
            if entry is not None:
                return await _results(c, adapter, entry, as_json=as_json, export=export,
                                      wait=wait, show_all=all_rows)
            return await _task_result(adapter, ident, op, as_json)
        except CoinsoleError as exc:
            click.echo(f"coinsole: {exc}", err=True)
            return EXIT_REFUSED

    code = ctx.run(work)
    if code:
        raise SystemExit(code)


async def _task_result(adapter: Any, cid: str, op: str | None, as_json: bool) -> int:
    calls = {"airdrop": adapter.finance_get_air_drop_result,
             "batch-lock": adapter.finance_get_batch_lock_position_result,
             "batch-unlock": adapter.finance_get_batch_unlock_position_result,
             "transfer": adapter.finance_get_batch_transfer_result}
    for name in ([op] if op else list(calls)):
        result = await calls[name](cid)
        if result is None:
            continue
        if as_json:
            click.echo(json.dumps({"op": name, "task": vars(result.task), "items": [
                {**vars(i), "amount": format(i.amount, "f")} for i in result.items]},
                ensure_ascii=False, indent=2))
        else:
            t = result.task
            click.echo(f"{name} task {t.id} ({t.client_order_id}) {t.status_text}"
                       f"{': ' + t.desc if t.desc else ''}")
            for i in result.items:
                click.echo(f"  {i.user_id:<20} {i.token_id:<8} {format(i.amount, 'f'):>20}  "
                           f"{i.status_text}")
        return EXIT_OK if not any(not i.ok for i in result.items) else EXIT_REFUSED
    click.echo(f"coinsole: no finance task or batch {cid!r} (journal or venue)", err=True)
    return EXIT_USAGE


@finance.command("resume")
@click.argument("ident", metavar="ENTRY")
@click.option("--profile", "profile", required=True, metavar="P")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (exact amounts).")
@click.option("--export", metavar="OUT.csv", help="Write every row's outcome as CSV.")
@click.option("--wait", default=120, show_default=True, type=click.IntRange(0, 3600))
@click.option("--all-rows", is_flag=True, help="Print every row, however many.")
def finance_resume(ident: str, profile: str, as_json: bool, export: str | None, wait: int,
                   all_rows: bool) -> None:
    """Finish a batch whose run stopped (a crash, a lost reply): each task is looked up by
    its client_order_id and only the ones the venue lacks are sent."""
    ctx = _context(False, profile)

    async def work(c: Any) -> int:
        from tui.journal import EntryState

        entry = _entry(c, ident)
        if entry is None:
            click.echo(f"coinsole: no finance batch {ident!r} in the journal", err=True)
            return EXIT_USAGE
        if entry.state is EntryState.SUBMITTING and entry.live_lease() is not None:
            click.echo(f"coinsole: batch {entry.id} is being sent by another process",
                       err=True)
            return EXIT_UNKNOWN
        entry = await c.mover.settle(entry)
        if entry.state not in (EntryState.ACCEPTED, EntryState.RECONCILED):
            click.echo(f"coinsole: batch {entry.id} is {entry.state.value}: {entry.note}",
                       err=True)
            return EXIT_UNKNOWN if entry.state is EntryState.UNKNOWN else EXIT_REFUSED
        adapter = c.session.adapter(profile)
        return await _results(c, adapter, entry, as_json=as_json, export=export, wait=wait,
                              show_all=all_rows)

    code = ctx.run(work)
    if code:
        raise SystemExit(code)


def register(group: click.Group) -> None:
    """Add ``finance`` to the ``coinsole`` group."""
    group.add_command(finance)
