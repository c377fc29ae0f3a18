"""Command line for approvals (issue 13): ``operator``, ``policy``, ``approvals`` and ``audit``.

* ``operator init NAME`` makes this machine's operator: an Ed25519 key pair whose private
  key is sealed in the vault (created when there is none); the public key is printed for
  the policy. ``operator export`` prints it again.
* ``policy check [FILE]`` lints a policy with line numbers; ``policy explain transfer|send|
  withdraw ...`` and ``policy explain orders place|cancel ...`` take the command's own flags
  and say which rule matches and why, sending nothing.
* ``approvals list|show|approve|reject|execute`` work the queue; ``audit verify|head|export``
  check, anchor and export the hash-chained audit log (verify also requires this machine's
  anchored head, :mod:`tui.approvals.anchor`, and ``--head HASH`` to be in the chain).

Exit codes: 0 done, 2 invalid input or a refused step (one line says why), 3 an execution
refused (nothing sent) or rejected by the venue, or an audit log with a break, 4 outcome
unknown. With ``--demo`` (or ``coinsole --demo``) the demo's policy, store and operators
are used; ``--as NAME`` acts as a demo teammate.

:func:`register` adds the commands to the main ``coinsole`` group.
"""

from __future__ import annotations

import csv
import json
import sys
from decimal import Decimal
from typing import Any

import click

from tui.approvals.identity import ApprovalsError
from tui.core.errors import CoinsoleError
from tui.core.money import plain

__all__ = ["register", "operator", "policy", "approvals", "audit"]

EXIT_REFUSED = 3


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"coinsole: {message}", err=True)
    sys.exit(code)


def _demo_wanted(demo: bool) -> bool:
    root = click.get_current_context().find_root()
    return demo or bool(root.params.get("demo"))


def _demo_options(func):
    func = click.option("--as", "as_name", metavar="NAME",
                        help="With --demo: act as this demo operator (you, maria, tom).")(func)
    return click.option("--demo", is_flag=True,
                        help="Use the demo's policy, store and operators.")(func)


def _unlocked_resolver(create: bool = False):
    """A resolver on the vault, unlocked (created first when ``create`` and there is none)."""
    from tui.cli import _create_vault, _unlock
    from tui.credentials import CredentialResolver
    from tui.vault import default_vault_path

    if not default_vault_path().exists():
        if not create:
            _fail("there is no vault; run `coinsole operator init NAME` first")
        return _create_vault()
    resolver = CredentialResolver()
    _unlock(resolver)
    return resolver


def _service(demo: bool, as_name: str | None, *, signing: bool = False, journal: Any = None):
    """The approvals service: the demo's, or the configured one (with this operator's key
    from the vault when ``signing``)."""
    try:
        if _demo_wanted(demo):
            from tui.approvals.demo import demo_service

            return demo_service(as_name, journal=journal)
        if as_name:
            _fail("--as is for the demo; set COINSOLE_OPERATOR to choose a sealed operator")
        from tui.approvals.service import ApprovalService

        key = None
        if signing:
            from tui.approvals.identity import load_key

            resolver = _unlocked_resolver()
            try:
                key = load_key(resolver.vault)
            finally:
                resolver.vault.lock()
        service = ApprovalService.open(journal=journal, operator=key)
        if not service.active:
            service.close()
            _fail(f"no policy file at {service.loaded.path}: approvals are off (everything is "
                  "allowed); write one (see README, 'Approvals') or set COINSOLE_POLICY")
        return service
    except CoinsoleError as exc:
        _fail(str(exc))


def _local_journal(demo: bool):
    """This machine's journal when it has one (a rejected or expired request's held entry
    ends REJECTED there); None for the demo or when there is none."""
    if _demo_wanted(demo):
        return None
    from tui.journal import default_journal_path

    if not default_journal_path().exists():
        return None
    from tui.cli_moves import _open_journal

    return _open_journal(None)


# -- operator -----------------------------------------------------------------------------


@click.group()
def operator() -> None:
    """This machine's approvals operator (an Ed25519 key sealed in the vault)."""


@operator.command("init")
@click.argument("name")
def operator_init(name: str) -> None:
    """Make operator NAME: a new key pair, the private key sealed in the vault, the public
    key printed for the policy file."""
    from tui.approvals import operators as ops
    from tui.approvals.identity import check_name, remember_name, seal, sealed_names

    try:
        check_name(name)
    except ApprovalsError as exc:
        _fail(str(exc))
    resolver = _unlocked_resolver(create=True)
    try:
        if name in sealed_names(resolver.vault):
            _fail(f"operator {name} already has a key in this vault; `coinsole operator "
                  "export` prints its public key")
        private, public = ops.generate()
        seal(resolver.vault, name, private)
        resolver.sync_index()
    finally:
        resolver.vault.lock()
    remember_name(name)
    click.echo(f"operator {name}: key pair made, the private key sealed in the vault")
    click.echo(_policy_snippet(name, public))


def _policy_snippet(name: str, public: bytes) -> str:
    return f'[operators.{name}]\npublic_key = "{public.hex()}"\ngroups = ["treasury"]'


@operator.command("export")
@click.option("--json", "as_json", is_flag=True, help="Print {name, public_key} as JSON.")
def operator_export(as_json: bool) -> None:
    """Print this machine's operator's public key (as a policy.toml snippet)."""
    from tui.approvals.identity import load_key

    resolver = _unlocked_resolver()
    try:
        key = load_key(resolver.vault)
    except ApprovalsError as exc:
        _fail(str(exc))
    finally:
        resolver.vault.lock()
    if as_json:
        click.echo(json.dumps({"name": key.name, "public_key": key.public.hex()}))
    else:
        click.echo(_policy_snippet(key.name, key.public))


# -- policy -------------------------------------------------------------------------------


@click.group()
def policy() -> None:
    """Check a policy file, or explain which rule a request would meet."""


@policy.command("check")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
def policy_check(file: str | None) -> None:
    """Lint FILE (default: the policy in force): unknown keys, floats, unreachable or
    shadowed rules, unknown operators or groups, no default. Exit 2 on any problem."""
    from pathlib import Path

    from tui.approvals.policy import PolicyError, load_policy
    from tui.approvals.policy_lint import check_policy
    from tui.approvals.service import policy_path

    path = Path(file) if file else policy_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        _fail(f"no policy file at {path}")
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"cannot read {path}: {exc}")
    problems = [(p.line, p.message) for p in check_policy(text)]
    if not problems:
        try:
            load_policy(text)
        except PolicyError as exc:
            problems.append((0, str(exc)))
    for line, message in problems:
        click.echo(f"{path}:{line}: {message}" if line else f"{path}: {message}")
    if problems:
        sys.exit(2)
    click.echo(f"{path}: ok")


def _explainer(command: click.Command) -> click.Command:
    """``command`` with its flags, run in explain mode: it checks and builds the request as
    usual, prints the policy's decision and sends nothing."""
    from tui import cli_moves

    def callback(**kwargs):
        cli_moves.EXPLAIN = True
        try:
            return command.callback(**kwargs, yes=True)
        finally:
            cli_moves.EXPLAIN = False

    params = [p for p in command.params if p.name not in ("yes",)]
    return click.Command(command.name, params=params, callback=callback,
                         help=f"Which rule a `{command.name}` meets, and why (sends nothing).")


def _explain_group() -> click.Group:
    from tui.cli_moves import send, transfer, withdraw

    from tui.cli_orders import cancel, place

    group = click.Group("explain", help="Which rule a transfer, send, withdraw or order "
                                         "place/cancel meets, and why; the same flags as the "
                                         "command; sends nothing.")
    for command in (transfer, send, withdraw):
        group.add_command(_explainer(command))
    orders = click.Group("orders", help="Which rule an order place or cancel meets, and why "
                                        "(the flags of `coinsole orders place|cancel`).")
    for command in (place, cancel):
        orders.add_command(_explainer(command))
    group.add_command(orders)
    return group


# -- approvals ----------------------------------------------------------------------------


def _age(ms: int) -> str:
    s = max(ms, 0) // 1000
    return f"{s // 3600}h{s % 3600 // 60:02d}m" if s >= 3600 else f"{s // 60}m{s % 60:02d}s"


def _item_record(item) -> dict:
    return {"id": item.id, "state": item.state, "age_ms": item.age_ms, "initiator": item.initiator,
            "action": item.action, "profile": item.profile, "venue": item.venue,
            "amount": plain(item.amount), "coin": item.coin, "destination": item.destination,
            "rule": item.rule, "quorum": item.quorum, "votes": item.votes,
            "expires_in_ms": item.expires_in_ms, "waiting_for_me": item.waiting_for_me,
            "outcome": item.outcome}


@click.group()
def approvals() -> None:
    """The approval queue: list, show, approve, reject, execute."""


@approvals.command("list")
@click.option("--waiting-for-me", "filter_", flag_value="waiting-for-me",
              help="Only requests waiting for my vote.")
@click.option("--mine", "filter_", flag_value="mine", help="Only requests I proposed.")
@click.option("--history", "filter_", flag_value="history",
              help="Rejected, expired and executed requests.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (amounts as exact strings).")
@_demo_options
def approvals_list(filter_: str | None, as_json: bool, demo: bool, as_name: str | None) -> None:
    """List the requests (default: every one not yet final)."""
    service = _service(demo, as_name)
    try:
        items = service.queue(filter_ or "all")
    finally:
        service.close()
    if as_json:
        click.echo(json.dumps([_item_record(i) for i in items], indent=2, ensure_ascii=False))
        return
    if not items:
        click.echo("no requests")
        return
    for i in items:
        expiry = "expired" if i.expires_in_ms <= 0 else f"expires in {_age(i.expires_in_ms)}"
        mark = "*" if i.waiting_for_me else " "
        click.echo(f"{mark}{i.id}  {i.state:<16} {_age(i.age_ms):>7}  {i.initiator:<10} "
                   f"{i.action:<17} {plain(i.amount)} {i.coin} -> {i.destination}  "
                   f"rule {i.rule!r}  votes {i.votes}  {expiry}"
                   + (f"  ({i.outcome})" if i.outcome else ""))


@approvals.command("show")
@click.argument("request_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_demo_options
def approvals_show(request_id: str, as_json: bool, demo: bool, as_name: str | None) -> None:
    """Every wire parameter, the rule and why, and each signature verified or not."""
    service = _service(demo, as_name)
    try:
        d = service.detail(request_id)
    except ApprovalsError as exc:
        _fail(str(exc))
    finally:
        service.close()
    sigs = [{"operator": s.operator, "decision": s.decision, "time_ms": s.time_ms,
             "reason": s.reason, "verified": s.verified, "note": s.note} for s in d.signatures]
    if as_json:
        click.echo(json.dumps({**_item_record(d.item), "params": d.params,
                               "request_hash": d.request_hash, "policy_hash": d.policy_hash,
                               "hash_ok": d.hash_ok, "policy_current": d.policy_current,
                               "why": list(d.why), "quorum_met": d.quorum_met,
                               "rule_now": d.rule_now, "outcome_now": d.outcome_now,
                               "velocity_used": None if d.velocity_used is None else plain(d.velocity_used),
                               "velocity_left": None if d.velocity_left is None else plain(d.velocity_left),
                               "signatures": sigs}, indent=2, ensure_ascii=False))
        return
    i = d.item
    rows = [("request", f"{i.id} ({i.state})"), ("initiator", i.initiator),
            ("action", f"{i.action} {plain(i.amount)} {i.coin} on {i.profile} ({i.venue})"),
            ("destination", i.destination), ("rule", f"{i.rule} - needs {i.quorum}"),
            ("why", "; ".join(d.why)), ("votes", f"{i.votes} ({d.quorum_note})"),
            ("expires", "expired" if i.expires_in_ms <= 0 else f"in {_age(i.expires_in_ms)}"),
            ("request hash", d.request_hash + ("" if d.hash_ok else "  DOES NOT MATCH (edited)")),
            ("policy hash", d.policy_hash + ("" if d.policy_current else "  NOT the policy in force"))]
    if d.rule_now and d.rule_now != i.rule:
        rows.append(("rule now", f"{d.rule_now} ({d.outcome_now}): execution re-evaluates, "
                                 "this rule applies"))
    if d.velocity_used is not None:
        rows.append(("velocity", f"used {plain(d.velocity_used)}, left {plain(d.velocity_left)}"))
    for k, v in sorted(d.params.items()):
        if v is not None:
            rows.append((f"  {k}", json.dumps(v) if isinstance(v, dict) else str(v)))
    for s in d.signatures:
        mark = "verified" if s.verified else "NOT VERIFIED"
        reason = f" ({s.reason})" if s.reason else ""
        rows.append(("signature", f"{s.operator} {s.decision}{reason} at {s.time_ms}: {mark}, "
                                  f"{s.note}"))
    width = max(len(k) for k, _ in rows)
    click.echo("\n".join(f"{k.ljust(width)}  {v}" for k, v in rows))


@approvals.command("approve")
@click.argument("request_id")
@_demo_options
def approvals_approve(request_id: str, demo: bool, as_name: str | None) -> None:
    """Sign an approval of REQUEST_ID with this operator's key."""
    journal = _local_journal(demo)
    service = _service(demo, as_name, signing=True, journal=journal)
    try:
        item = service.approve(request_id)
    except ApprovalsError as exc:
        _fail(str(exc))
    finally:
        service.close()
        if journal is not None:
            journal.close()
    tail = "; approved: run `coinsole approvals execute " + item.id + "`" \
        if item.state == "APPROVED" else ""
    click.echo(f"approved request {item.id} as {service.me}: votes {item.votes}{tail}")


@approvals.command("reject")
@click.argument("request_id")
@click.option("--reason", required=True, metavar="TEXT", help="Why (shown to the initiator).")
@_demo_options
def approvals_reject(request_id: str, reason: str, demo: bool, as_name: str | None) -> None:
    """Sign a rejection of REQUEST_ID; the request is REJECTED."""
    from tui.core.validation import check_text

    problems = check_text("reason", "reason", reason, limit=500)
    if problems:
        _fail(problems[0].message)
    journal = _local_journal(demo)
    service = _service(demo, as_name, signing=True, journal=journal)
    try:
        item = service.reject(request_id, reason)
    except ApprovalsError as exc:
        _fail(str(exc))
    finally:
        service.close()
        if journal is not None:
            journal.close()
    click.echo(f"rejected request {item.id} as {service.me}")


@approvals.command("execute")
@click.argument("request_id")
@click.option("--json", "as_json", is_flag=True, help="Print the journal entry as JSON.")
@_demo_options
def approvals_execute(request_id: str, as_json: bool, demo: bool, as_name: str | None) -> None:
    """Claim an APPROVED request once, re-verify every signature and the policy here, then
    send it through the journal. Exit 0 accepted, 3 refused (nothing sent) or rejected by
    the venue, 4 outcome unknown."""
    from tui.cli_moves import _available, _balances, _Context, _report, _trade_password
    from tui.core.moves import TRADE_PASSWORD_VENUES

    demo = _demo_wanted(demo)
    peek = _service(demo, as_name)
    try:
        row = peek.store.get(request_id)
    finally:
        peek.close()
    if row is None:
        _fail(f"no approval request {request_id!r}; see `coinsole approvals list`")
    profile = json.loads(row.request_json)["profile"]
    ctx = _Context(demo, profile)

    async def work(ctx) -> int:
        from tui.approvals.authorize import request_from_json
        from tui.approvals.service import journal_request_from
        from tui.core.models import AccountKind, AccountRef

        service = _service(demo, as_name, journal=ctx.journal)
        try:
            jr = journal_request_from(request_from_json(row.request_json))
            adapter = ctx.session.adapter(profile)
            account = getattr(jr, "from_account", None) or AccountRef(kind=AccountKind.SPOT)
            available = _available(await _balances(adapter), jr.coin, account)
            password = None
            if jr.kind.value == "withdraw" and adapter.venue_id in TRADE_PASSWORD_VENUES:
                password = _trade_password()
            try:
                entry = await service.execute(request_id, ctx.mover, available=available,
                                              trade_password=password)
            except ApprovalsError as exc:
                click.echo(f"coinsole: {exc}", err=True)
                return EXIT_REFUSED
        finally:
            service.close()
        return _report(entry, as_json)

    sys.exit(ctx.run(work))


# -- audit ----------------------------------------------------------------------------------


@click.group()
def audit() -> None:
    """The hash-chained audit log of every proposal, vote, execution and outcome."""


@audit.command("verify")
@click.option("--head", "head", metavar="HASH",
              help="Also require this head hash (from `coinsole audit head`, kept elsewhere) "
                   "to be in the chain: catches records removed from its end.")
@_demo_options
def audit_verify(head: str | None, demo: bool, as_name: str | None) -> None:
    """Recompute the chain and every signature, and check that the chain still holds this
    machine's anchored head (and --head HASH); print the first break (exit 3) or ok."""
    if head is not None and not _is_hash(head):
        _fail("--head is the 64 hex digits `coinsole audit head` prints")
    service = _service(demo, as_name)
    try:
        records = service.store.audit_read()
        broken = service.audit_verify(head, records)
        from tui.approvals.anchor import read_anchor

        anchored = read_anchor(service.store)
    finally:
        service.close()
    if broken is None:
        extra = ""
        if anchored is not None:
            by = f", signed by {anchored['operator']}" if anchored.get("operator") else ""
            extra = f"; holds this machine's anchored head {anchored['hash'][:16]}…{by}"
        if head is not None:
            extra += f"; holds --head {head.strip().lower()[:16]}…"
        click.echo(f"audit log intact: {len(records)} records, chain and signatures "
                   f"verified{extra}")
        return
    index, why = broken
    if index >= len(records):
        click.echo(f"coinsole: audit log cut short: {why}", err=True)
        sys.exit(EXIT_REFUSED)
    r = records[index]
    click.echo(f"coinsole: audit log broken at record {index + 1} of {len(records)} "
               f"({r.get('event', '?')} {r.get('id', '')}): {why}", err=True)
    sys.exit(EXIT_REFUSED)


def _is_hash(text: str) -> bool:
    text = text.strip().lower()
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)


@audit.command("head")
@click.option("--json", "as_json", is_flag=True, help="Print it as JSON.")
@_demo_options
def audit_head(as_json: bool, demo: bool, as_name: str | None) -> None:
    """Print the chain's head: its record count and last hash. Keep it somewhere the store
    cannot reach (a ticket, a chat, paper); `coinsole audit verify --head HASH` later
    proves no record was removed from the end since."""
    service = _service(demo, as_name)
    try:
        records = service.store.audit_read()
    finally:
        service.close()
    from tui.approvals.audit import GENESIS

    head = records[-1]["hash"] if records else GENESIS
    if as_json:
        click.echo(json.dumps({"records": len(records), "head": head}))
        return
    click.echo(f"{len(records)} records, head {head}")


AUDIT_COLUMNS = ("seq", "event", "id", "operator", "initiator", "decision", "reason", "outcome",
                 "time_ms", "request_hash", "policy_hash", "signature", "prev", "hash")


@audit.command("export")
@click.option("--csv", "as_csv", is_flag=True, required=True, help="Write CSV to standard output.")
@_demo_options
def audit_export(as_csv: bool, demo: bool, as_name: str | None) -> None:
    """Write the audit log as CSV (one row per record, oldest first)."""
    service = _service(demo, as_name)
    try:
        records = service.store.audit_read()
    finally:
        service.close()
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(AUDIT_COLUMNS)
    for n, r in enumerate(records, 1):
        out.writerow([n, *(_cell(r.get(c, "")) for c in AUDIT_COLUMNS[1:])])


def _cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = plain(value) if isinstance(value, Decimal) else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def register(main_group: click.Group) -> None:
    """Add ``operator``, ``policy``, ``approvals`` and ``audit`` to ``main_group``."""
    if "explain" not in policy.commands:
        policy.add_command(_explain_group())
    for command in (operator, policy, approvals, audit):
        main_group.add_command(command)

