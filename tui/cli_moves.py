"""Command line for moving money: ``transfer``, ``send``, ``withdraw`` and ``journal``.

Every request is checked, shown for confirmation (unless ``--yes``), written to the journal
and only then sent (see :mod:`tui.journal`). Exit codes: 0 accepted by the venue, 2 usage
or invalid input (nothing journaled), 3 rejected by the venue, 4 outcome unknown (settle it
with ``coinsole journal settle``; also when the request was sent but the journal could not
record the reply), 1 cancelled at the confirmation prompt (nothing journaled), 5 submitted
for approval (a policy rule needs approvals: the entry waits as PENDING_APPROVAL and the
approval request id is printed; see ``coinsole approvals``). A request a policy rule blocks
ends with exit 3 and the rule's reason, nothing journaled. A journal that cannot be opened
or written before the send ends with exit 2 and nothing sent. No policy file: no change.

``--demo`` runs against a fresh in-process sandbox with an in-memory journal: neither the
sandbox's balances nor the journal outlive the command.

:func:`register` adds the commands to the main ``coinsole`` group.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import click
from pydantic import SecretStr

from tui.core.addresses import tail_matches
from tui.core.errors import CoinsoleError
from tui.core.money import plain
from tui.core.moves import TRADE_PASSWORD_VENUES, MoveKind, MoveRequest, Recipient
from tui.core.times import iso_time_ms

__all__ = ["register", "transfer", "send", "withdraw", "journal", "EXIT_ACCEPTED",
           "EXIT_DECLINED", "EXIT_USAGE", "EXIT_REJECTED", "EXIT_UNKNOWN", "EXIT_APPROVAL",
           "TRADE_PASSWORD_ENV"]

EXIT_ACCEPTED = 0
EXIT_DECLINED = 1
EXIT_USAGE = 2
EXIT_REJECTED = 3
EXIT_UNKNOWN = 4
EXIT_APPROVAL = 5
TRADE_PASSWORD_ENV = "COINSOLE_TRADE_PASSWORD"
EXPLAIN = False
"""Set by ``coinsole policy explain``: build and check the request, print the policy's
decision, send nothing."""
RESEND_ATTEMPTS_ENV = "COINSOLE_RESEND_ATTEMPTS"
RESEND_BACKOFF_ENV = "COINSOLE_RESEND_BACKOFF_MS"

_DEMO_HELP = ("Use the built-in sandbox's demo profiles (a fresh sandbox and an in-memory "
              "journal for this command only: nothing persists).")


def _fail(message: str, code: int = EXIT_USAGE) -> None:
    click.echo(f"coinsole: {message}", err=True)
    sys.exit(code)


# -- context: session, journal, mover ---------------------------------------------------


def _resend_policy() -> dict[str, Any]:
    """How often a KEYED send whose reply is lost is resent with the same key, and the
    first backoff: COINSOLE_RESEND_ATTEMPTS (sends in all, 1-10, default 3) and
    COINSOLE_RESEND_BACKOFF_MS (0-10000, default 250)."""
    policy: dict[str, Any] = {}
    for name, key, low, high in ((RESEND_ATTEMPTS_ENV, "keyed_attempts", 1, 10),
                                 (RESEND_BACKOFF_ENV, "keyed_backoff_s", 0, 10_000)):
        text = os.environ.get(name)
        if not text:
            continue
        if not text.strip().isdigit() or not low <= int(text) <= high:
            _fail(f"{name} must be a whole number from {low} to {high}, not {text[:20]!r}")
        value = int(text)
        policy[key] = value / 1000 if key == "keyed_backoff_s" else value  # float-ok: seconds
    return policy


def _open_journal(path):
    """The journal at ``path`` (None: the default file); a damaged, locked or unwritable
    one ends the command with one line and exit 2, the file untouched."""
    from tui.journal import Journal

    try:
        return Journal(path)
    except CoinsoleError as exc:
        _fail(str(exc))


class _Context:
    """What one command works with: the session, the journal and the mover."""

    def __init__(self, demo: bool, profile: str | None) -> None:
        from tui.journal import Mover

        self.demo = demo
        self.resolver = None
        self._approvals: Any = False
        if demo:
            from tui.demo import demo_session

            self.session = demo_session()
            self.journal = _open_journal(":memory:")
            # The sandbox's history is complete as soon as a write commits.
            self.mover = Mover(self.session, self.journal, lookup_final_after_ms=0,
                               **_resend_policy())
        else:
            self.journal = _open_journal(None)
            self.session = self._session(profile)
            self.mover = Mover(self.session, self.journal, **_resend_policy())
        if profile is not None:
            known = [p.name for p in self.session.profiles]
            if profile not in known:
                _fail(f"no profile named {profile!r}; known: {', '.join(sorted(known)) or 'none'}")

    def _session(self, profile: str | None):
        """The same resolution ``coinsole balances`` uses: the vault, else the environment."""
        from tui.cli import _load_profiles, _unlock
        from tui.credentials import CredentialResolver
        from tui.session import Session

        profiles = _load_profiles()
        names = [profile] if profile else [p.name for p in profiles]
        resolver = CredentialResolver()
        if names and resolver.needs_unlock(names):
            _unlock(resolver)
        self.resolver = resolver
        return Session(profiles, credentials=resolver)

    def approvals(self):
        """The approvals service when a policy file is in force, else None (and then
        nothing changes). The demo's throwaway journal is never gated. A policy file that
        cannot be read ends the command with exit 2, nothing sent."""
        if self._approvals is False:
            self._approvals = None
            if not self.demo:
                from tui.approvals.service import ApprovalService, load_policy_file

                try:
                    loaded = load_policy_file()
                    if loaded.policy is not None:
                        from tui.approvals.identity import my_name
                        from tui.approvals.store_factory import open_store

                        self._approvals = ApprovalService(loaded, open_store(), me=my_name(),
                                                          journal=self.journal)
                except CoinsoleError as exc:
                    _fail(str(exc))
        return self._approvals

    def run(self, work: Callable[["_Context"], Awaitable[int]]) -> int:
        """Run ``work`` in an event loop, then close everything."""
        async def main() -> int:
            try:
                return await work(self)
            finally:
                await self.session.aclose()

        try:
            return asyncio.run(main())
        finally:
            if self._approvals:
                self._approvals.close()
            self.journal.close()
            if self.resolver is not None:
                self.resolver.vault.lock()


def _common(func):
    """The options every money command shares."""
    func = click.option("--json", "as_json", is_flag=True,
                        help="Print the journal entry as JSON (amounts as exact strings).")(func)
    func = click.option("--yes", is_flag=True, help="Skip the confirmation prompt.")(func)
    func = click.option("--demo", is_flag=True, help=_DEMO_HELP)(func)
    func = click.option("--amount", required=True, metavar="X", help="Exact amount, e.g. 12.5.")(func)
    func = click.option("--coin", required=True, metavar="C", help="Coin, e.g. USDT.")(func)
    func = click.option("--profile", "profile_name", metavar="P",
                        help="Profile to move money in (with --demo: a demo profile).")(func)
    return func


# -- shared flow ------------------------------------------------------------------------


async def _move(ctx: _Context, request: MoveRequest, settlement, summary: list[tuple[str, str]],
                *, yes: bool, as_json: bool, confirm_tail: str | None = None,
                confirm_address: str | None = None,
                trade_password: SecretStr | None = None,
                available: Decimal | None = None) -> int:
    """Confirm, journal, send and report one request; returns the exit code.

    With a policy in force it decides first: blocked ends here (exit 3, nothing
    journaled); needing approval, the confirmed request is journaled PENDING_APPROVAL and
    proposed instead of sent (exit 5)."""
    summary = [*summary, ("settlement", settlement.value)]
    if EXPLAIN:
        return _explain(ctx, request, summary, available)
    approvals = ctx.approvals()
    held = None
    if approvals is not None:
        held = approvals.evaluate(request, available)
        if held.outcome == "block":
            click.echo(f"coinsole: {held.line()}; nothing was sent", err=True)
            return EXIT_REJECTED
        summary.append(("policy", held.line()))
        if held.outcome != "approve":
            held = None
    if not yes:
        width = max(len(k) for k, _ in summary)
        click.echo("\n".join(f"  {k.ljust(width)}  {v}" for k, v in summary), err=True)
        if confirm_tail is not None:
            typed = click.prompt(f"Type the last 4 characters of the address ({'*' * 4}) to "
                                 "confirm", default="", show_default=False, err=True)
            if not tail_matches(confirm_address or confirm_tail, typed):
                click.echo("coinsole: the characters do not match; nothing was sent", err=True)
                return EXIT_DECLINED
        elif not click.confirm("Submit it for approval?" if held else "Send it?",
                               default=False, err=True):
            click.echo("coinsole: cancelled; nothing was sent", err=True)
            return EXIT_DECLINED
    from tui.journal.executor import UnrecordedOutcome
    from tui.journal.store import JournalWriteFailed

    mover = ctx.mover
    if held is not None:
        try:
            entry, _ = approvals.hold(mover, request, settlement, held)
        except JournalWriteFailed as exc:
            click.echo(f"coinsole: {exc}; nothing was sent", err=True)
            return EXIT_USAGE
        return _report(entry, as_json)
    try:
        entry = mover.approve(mover.record(request, settlement))
        entry = await mover.submit(entry, trade_password=trade_password)
    except UnrecordedOutcome as exc:
        click.echo(f"coinsole: outcome unknown: {exc}", err=True)
        return EXIT_UNKNOWN
    except JournalWriteFailed as exc:
        click.echo(f"coinsole: {exc}; nothing was sent", err=True)
        return EXIT_USAGE
    try:
        entry = await mover.reconcile(entry)
    except CoinsoleError:
        # The send is settled; only the status refresh failed (it is refreshed later).
        pass
    return _report(entry, as_json)


def _explain(ctx: _Context, request, summary: list[tuple[str, str]],
             available: Decimal | None) -> int:
    """Print the request and which policy rule it meets, and why; nothing is journaled."""
    if ctx.demo:
        from tui.approvals.demo import demo_service

        service = demo_service(journal=ctx.journal)
    else:
        service = ctx.approvals()
    rows = list(summary)
    if service is None:
        from tui.approvals.service import policy_path

        rows.append(("policy", f"no policy file at {policy_path()}: allowed (approvals are off)"))
    else:
        ev = service.evaluate(request, available)
        rows += [("decision", ev.outcome),
                 ("rule", ev.rule + (f" (line {ev.rule_line})" if ev.rule_line else "")),
                 ("why", "; ".join(ev.why))]
        if ev.outcome == "block":
            rows.append(("reason", ev.reason))
        if ev.outcome == "approve":
            rows += [("needs", ev.quorum),
                     ("self-approval", "allowed" if ev.allow_self_approval else "not allowed"),
                     ("expires after", f"{ev.expiry_ms // 60_000} min")]
        if ev.velocity_used is not None:
            rows.append(("velocity", f"used {plain(ev.velocity_used)}, left "
                                     f"{plain(ev.velocity_left)}"))
        if ctx.demo:
            service.close()
    width = max(len(k) for k, _ in rows)
    click.echo("\n".join(f"  {k.ljust(width)}  {v}" for k, v in rows))
    click.echo("nothing was sent")
    return 0


def _report(entry, as_json: bool) -> int:
    """Print an entry's outcome; the exit code it means."""
    from tui.journal import EntryState as S

    code = {S.ACCEPTED: EXIT_ACCEPTED, S.RECONCILED: EXIT_ACCEPTED,
            S.REJECTED: EXIT_REJECTED, S.PENDING_APPROVAL: EXIT_APPROVAL}.get(entry.state,
                                                                             EXIT_UNKNOWN)
    if as_json:
        click.echo(json.dumps(entry.as_record(), indent=2, ensure_ascii=False))
        return code
    if code == EXIT_APPROVAL:
        held = (entry.note or "").removeprefix("waiting for approval: ")
        click.echo(f"submitted for approval: {held}; journal entry {entry.id}")
        return code
    receipt = entry.receipt
    if code == EXIT_ACCEPTED:
        status = receipt.venue_status or receipt.status.value if receipt else "accepted"
        ref = f" as {receipt.venue_ref}" if receipt and receipt.venue_ref else ""
        click.echo(f"accepted{ref} ({status}); journal entry {entry.id}")
        if receipt and receipt.arrival is not None:
            click.echo(f"arrival {plain(receipt.arrival)} {entry.request.coin}")
    elif code == EXIT_REJECTED:
        click.echo(f"coinsole: rejected by the venue: {entry.last_error}; journal entry "
                   f"{entry.id}", err=True)
    else:
        click.echo(f"coinsole: outcome unknown ({entry.last_error}); journal entry {entry.id} "
                   f"is {entry.state.value}: {entry.note}. Do not resend by hand; run "
                   "`coinsole journal settle`", err=True)
    return code


async def _checked(step: Awaitable[Any]) -> Any:
    """Await a pre-send step; a refusal or an invalid input ends the command with exit 2."""
    try:
        return await step
    except CoinsoleError as exc:
        _fail(str(exc))


def _amount(text: str, what: str = "amount") -> Decimal:
    """The exact positive amount typed for ``what``; anything else ends with exit 2."""
    from tui.core.validation import parse_amount

    value, problem = parse_amount(text)
    if problem is not None:
        _fail(f"{what}: {problem.message}")
    if value is None or value <= 0:
        _fail(f"{what} must be more than 0")
    return value


def _names(**texts: str | None) -> None:
    """End with exit 2 when a typed name (coin, account, network, memo, remark...) holds
    control or invisible characters or is absurdly long."""
    from tui.core.validation import MAX_ADDRESS_LENGTH, check_text

    problems = []
    for field, text in texts.items():
        limit = MAX_ADDRESS_LENGTH if field in ("memo", "address") else 256 if \
            field == "remark" else 64
        problems += check_text(field, field, text, limit=limit)
    _refuse_problems(problems)


def _refuse_problems(problems) -> None:
    """End with exit 2 listing every validation problem, if there are any (one line)."""
    if problems:
        _fail(" ".join("; ".join(f"{p.field}: {p.message}" for p in problems).split()))


async def _balances(adapter) -> list | None:
    """The profile's balances (None when they cannot be read)."""
    try:
        return await adapter.balances()
    except CoinsoleError:
        return None


def _coin(typed: str, balances: list | None, notes: list[str], adapter=None) -> str:
    """The venue's spelling of the coin typed (see :func:`normalise_coin`); a note is added
    when it differs; a coin the profile does not hold ends with exit 2, naming the profile
    and listing the coins it does hold."""
    from tui.core.validation import normalise_coin, shown

    known = None if balances is None else [b.coin for b in balances]
    coin, note, problem = normalise_coin(typed, known)
    if problem is not None and adapter is not None and known is not None and \
            problem.field == "coin" and typed.strip():
        where = f"profile {adapter.settings.profile} ({adapter.venue_id})"
        listed = shown(", ".join(sorted(set(known))), 120) or "none"
        _fail(f"coin {shown(typed.strip())} is unknown on {where}; its coins: {listed}")
    if problem is not None:
        _refuse_problems([problem])
    if note:
        notes.append(note)
    return coin


def _available(balances: list | None, coin: str, account) -> Decimal | None:
    """The available balance of ``coin`` in ``account``, summed exactly (None when the
    balances cannot be read); a sum that cannot be exact ends with exit 2."""
    from decimal import DecimalException

    from tui.journal.accounts import available_in

    if balances is None:
        return None
    try:
        return available_in(balances, coin, account) or Decimal(0)
    except DecimalException:
        _fail(f"the available {coin} cannot be summed exactly; check the balances")


async def _precision(adapter, coin: str) -> int:
    """The decimals ``coin`` may carry at the venue
    (:func:`tui.venues.coin_decimals.coin_decimals`)."""
    from tui.venues.coin_decimals import coin_decimals

    return await coin_decimals(adapter, coin)


def _say(notes: list[str]) -> list[tuple[str, str]]:
    """Print each normalisation note (``coin btc read as BTC``) and return summary rows."""
    for note in notes:
        click.echo(f"coinsole: {note}", err=True)
    return [("read as", note) for note in notes]


# -- transfer ---------------------------------------------------------------------------


@click.command()
@_common
@click.option("--from", "source", required=True, metavar="ACCOUNT",
              help="From account: asset_center, spot, futures, contract, contract#1, bx ...")
@click.option("--to", "target", required=True, metavar="ACCOUNT", help="To account (as --from).")
def transfer(profile_name, coin, amount, demo, yes, as_json, source, target) -> None:
    """Move COIN between two accounts of one profile at its venue.

    Exit codes: 0 accepted, 2 invalid input (nothing journaled), 3 rejected by the venue
    or blocked by the policy, 4 outcome unknown (run `coinsole journal settle`), 1 cancelled
    at the prompt, 5 submitted for approval (the request id is printed).
    """
    _need_profile(profile_name)
    _names(coin=coin, account=source, to_account=target)
    value = _amount(amount)
    ctx = _Context(demo, profile_name)

    async def work(ctx: _Context) -> int:
        from tui.core.validation import validate_move
        from tui.journal.accounts import match_route, read_as

        adapter = ctx.session.adapter(profile_name)
        routes = await _checked(adapter.fetch_transfer_routes())
        try:
            src, dst = match_route(routes, source, target)
        except CoinsoleError as exc:
            _fail(str(exc))
        balances = await _balances(adapter)
        notes: list[str] = []
        name = _coin(coin, balances, notes, adapter)
        notes += [n for n in (read_as(source, src), read_as(target, dst)) if n]
        available = _available(balances, name, src)
        _refuse_problems(validate_move(MoveKind.TRANSFER, amount_text=amount, coin=name,
                                       available=available,
                                       precision=await _precision(adapter, name)))
        request, settlement = ctx.mover.build(kind=MoveKind.TRANSFER, profile=profile_name,
                                              coin=name, amount=value, from_account=src,
                                              to_account=dst)
        summary = [("transfer", f"{plain(value)} {name}"), ("from", src.label), ("to", dst.label),
                   ("profile", f"{profile_name} ({adapter.venue_id})"), ("fee", "none"),
                   *_say(notes)]
        return await _move(ctx, request, settlement, summary, yes=yes, as_json=as_json,
                           available=available)

    sys.exit(ctx.run(work))


# -- send (internal transfer) -----------------------------------------------------------


@click.command()
@_common
@click.option("--to-uid", metavar="U", help="Recipient's user id at the venue.")
@click.option("--to-email", metavar="E", help="Recipient's e-mail at the venue.")
@click.option("--to-phone", metavar="CC:NUMBER", help="Recipient's phone, e.g. 86:13800000000.")
@click.option("--remark", metavar="TEXT", help="A note sent with the transfer.")
def send(profile_name, coin, amount, demo, yes, as_json, to_uid, to_email, to_phone, remark) -> None:
    """Send COIN to another user of the same venue (an internal transfer).

    Exactly one of --to-uid, --to-email, --to-phone. Exit codes as for `transfer`.
    """
    _need_profile(profile_name)
    _names(coin=coin, remark=remark)
    given = [x for x in (to_uid, to_email, to_phone) if x]
    if len(given) != 1:
        _fail("give exactly one of --to-uid, --to-email, --to-phone")
    recipient = _recipient(to_uid, to_email, to_phone)
    value = _amount(amount)
    ctx = _Context(demo, profile_name)

    async def work(ctx: _Context) -> int:
        from tui.core.models import AccountKind, AccountRef
        from tui.core.validation import validate_move

        adapter = ctx.session.adapter(profile_name)
        spot = AccountRef(kind=AccountKind.SPOT)
        balances = await _balances(adapter)
        notes: list[str] = []
        name = _coin(coin, balances, notes, adapter)
        available = _available(balances, name, spot)
        _refuse_problems(validate_move(
            MoveKind.INTERNAL_TRANSFER, amount_text=amount, coin=name,
            available=available,
            precision=await _precision(adapter, name), recipient_kind=recipient.kind,
            recipient_value=recipient.value, country_code=recipient.country_code,
            remark=remark))
        try:
            request, settlement = ctx.mover.build(kind=MoveKind.INTERNAL_TRANSFER,
                                                  profile=profile_name, coin=name, amount=value,
                                                  recipient=recipient, remark=remark)
        except NotImplementedError as exc:
            _fail(str(exc) or f"{adapter.venue_id} cannot send to another user")
        except CoinsoleError as exc:
            _fail(str(exc))
        summary = [("send", f"{plain(value)} {name}"), ("to", recipient.label),
                   ("profile", f"{profile_name} ({adapter.venue_id})"), ("fee", "none"),
                   *_say(notes)]
        return await _move(ctx, request, settlement, summary, yes=yes, as_json=as_json,
                           available=available)

    sys.exit(ctx.run(work))


def _recipient(uid: str | None, email: str | None, phone: str | None) -> Recipient:
    """The one recipient typed; a malformed one ends with exit 2 (echoed cut, one line)."""
    from tui.core.validation import shown

    if uid:
        if not uid.strip().isdigit():
            _fail(f"uid {shown(uid)} is not a number")
        return Recipient(kind="uid", value=uid.strip())
    if email:
        if "@" not in email or email.startswith("@") or email.endswith("@"):
            _fail(f"{shown(email)} is not an e-mail address")
        return Recipient(kind="email", value=email.strip())
    code, sep, number = (phone or "").partition(":")
    code = code.strip().lstrip("+")
    if not sep or not code.isdigit() or not number.strip().isdigit():
        _fail(f"phone {shown(phone)} must be COUNTRYCODE:NUMBER, e.g. 86:13800000000")
    return Recipient(kind="phone", value=number.strip(), country_code=code)


# -- withdraw ---------------------------------------------------------------------------


@click.command()
@_common
@click.option("--network", metavar="N", help="Chain/network, where the coin has several.")
@click.option("--address", required=True, metavar="A", help="Destination address.")
@click.option("--memo", metavar="M", help="Memo/tag, for coins that need one.")
@click.option("--miner-fee", metavar="F", help="Miner fee (BHEX); default: the suggested one.")
def withdraw(profile_name, coin, amount, demo, yes, as_json, network, address, memo,
             miner_fee) -> None:
    """Withdraw COIN on chain to ADDRESS.

    Shows fee and arrival amount; without --yes asks you to type the address's last 4
    characters. A BHEX withdrawal needs the trade password: from COINSOLE_TRADE_PASSWORD,
    else prompted without echo (only its MD5 is sent; it is never stored). Exit codes as
    for `transfer`.
    """
    _need_profile(profile_name)
    _names(coin=coin, network=network, memo=memo)
    value = _amount(amount)
    fee_value = _amount(miner_fee, "miner fee") if miner_fee else None
    ctx = _Context(demo, profile_name)

    async def work(ctx: _Context) -> int:
        from tui.core.validation import check_address, resolve_network, validate_move

        adapter = ctx.session.adapter(profile_name)
        notes: list[str] = []
        balances = await _balances(adapter)
        name = _coin(coin, balances, notes, adapter)
        # The address is checked before any quote is read: a bad one never waits on the venue.
        _refuse_problems(check_address(address, None, None))
        try:
            quote = await adapter.withdraw_quote(name, network)
            chosen_network, network_label, problem = resolve_network(network, quote, name)
            if problem is not None:
                _refuse_problems([problem])
            if chosen_network != network:
                # The venue's default, asked for by name: the quote and the request agree.
                quote = await adapter.withdraw_quote(name, chosen_network)
        except NotImplementedError as exc:
            _fail(str(exc) or f"{adapter.venue_id} cannot withdraw")
        except CoinsoleError as exc:
            _fail(str(exc))
        chosen_fee = fee_value
        if chosen_fee is None and quote.miner_fee_coin is not None:
            chosen_fee = quote.miner_fee_suggested or quote.miner_fee_min
        try:
            if fee_value is not None and quote.miner_fee_min is not None and (
                    fee_value < quote.miner_fee_min
                    or (quote.miner_fee_max is not None and fee_value > quote.miner_fee_max)):
                _fail(f"miner fee {plain(fee_value)} is outside "
                      f"{plain(quote.miner_fee_min)} .. "
                      f"{plain(quote.miner_fee_max) if quote.miner_fee_max else '-'}")
            _refuse_problems(validate_move(
                MoveKind.WITHDRAW, amount_text=amount, coin=name, quote=quote,
                precision=quote.precision if quote.precision is not None
                else await _precision(adapter, name),
                arrival=lambda a: adapter.arrival_amount(quote, a, chosen_fee),
                memo=memo, address=address, network=chosen_network))
            arrival = adapter.arrival_amount(quote, value, chosen_fee)
            request, settlement = ctx.mover.build(
                kind=MoveKind.WITHDRAW, profile=profile_name, coin=name, amount=value,
                network=chosen_network, address=address.strip(), memo=memo or None,
                miner_fee=chosen_fee, convert_rate=quote.convert_rate)
        except CoinsoleError as exc:
            _fail(str(exc))
        fee_text = f"{plain(quote.fee)} {quote.fee_coin or name}" if quote.fee is not None else "unknown"
        summary = [("withdraw", f"{plain(value)} {name}"), ("network", network_label),
                   ("fee", fee_text)]
        if chosen_fee is not None:
            summary.append(("miner fee", f"{plain(chosen_fee)} {quote.miner_fee_coin or name}"))
        summary += [("arrival", f"{plain(arrival)} {name}"), ("to", request.destination),
                    ("profile", f"{profile_name} ({adapter.venue_id})"), *_say(notes)]
        if yes and not EXPLAIN:
            click.echo(f"coinsole: withdrawing on {network_label}", err=True)
        password = None
        if adapter.venue_id in TRADE_PASSWORD_VENUES and not EXPLAIN:
            password = await _checked_trade_password(adapter)
        from tui.core.models import AccountKind, AccountRef

        return await _move(ctx, request, settlement, summary, yes=yes, as_json=as_json,
                           confirm_tail=address.strip()[-4:], confirm_address=address,
                           trade_password=password,
                           available=_available(balances, name, AccountRef(kind=AccountKind.SPOT)))

    sys.exit(ctx.run(work))


def _trade_password() -> SecretStr:
    """The trade password: COINSOLE_TRADE_PASSWORD, else typed without echo."""
    value = os.environ.get(TRADE_PASSWORD_ENV)
    if not value:
        try:
            from tui.cli import _secret_line

            value = _secret_line("Trade password")
        except click.Abort:
            value = ""
    if not value:
        _fail(f"a trade password is needed: type it at the prompt or set {TRADE_PASSWORD_ENV}")
    return SecretStr(value)


async def _checked_trade_password(adapter, tries: int = 3) -> SecretStr:
    """The trade password, checked with the venue before anything is journaled: a wrong
    one typed at the prompt is asked for again (up to ``tries`` times); a wrong one from
    COINSOLE_TRADE_PASSWORD, or too many wrong tries, ends with exit 2, nothing sent."""
    from tui.core.trade_password import WRONG_TRADE_PASSWORD, trade_password_ok

    from_env = bool(os.environ.get(TRADE_PASSWORD_ENV))
    for attempt in range(1, tries + 1):
        password = _trade_password()
        if await trade_password_ok(adapter, password) is not False:
            return password
        if from_env:
            _fail(f"{TRADE_PASSWORD_ENV} holds the wrong trade password; nothing was sent or "
                  "journaled")
        click.echo(f"coinsole: {WRONG_TRADE_PASSWORD}", err=True)
    _fail(f"the trade password was wrong {tries} times; nothing was sent or journaled")


def _need_profile(name: str | None) -> None:
    if not name:
        _fail("say which profile with --profile (with --demo: e.g. fcoin-demo)")


# -- journal ----------------------------------------------------------------------------


@click.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of entries.")
@click.option("--demo", is_flag=True, help=_DEMO_HELP)
@click.pass_context
def journal(click_ctx: click.Context, as_json: bool, demo: bool) -> None:
    """List money-moving requests with their states (newest last).

    States: DRAFT, APPROVED, SUBMITTING, ACCEPTED, REJECTED, UNKNOWN, RECONCILED.
    """
    if click_ctx.invoked_subcommand is not None:
        return
    with _open_journal(":memory:" if demo else None) as store:
        entries = store.entries()
        damaged = dict(store.damaged)
        path = store.path
    if as_json:
        records = [e.as_record() for e in entries]
        records += [{"id": i, "state": "DAMAGED", "note": why} for i, why in damaged.items()]
        click.echo(json.dumps(sorted(records, key=lambda r: r["id"]), indent=2,
                              ensure_ascii=False))
        return
    if not entries and not damaged:
        click.echo("the journal is empty")
        return
    lines = [(e.id, f"{e.id:>5}  {e.state.value:<10}  {e.profile}  {e.kind}  "
                    f"{plain(e.request.amount)} {e.request.coin}  {e.request.destination}  "
                    f"{e.note}".rstrip()) for e in entries]
    lines += [(i, f"{i:>5}  {'DAMAGED':<10}  this row of {path} cannot be read ({why}); "
                  "restore the file from a backup or check this request at the venue")
              for i, why in damaged.items()]
    for _, line in sorted(lines):
        click.echo(line)


@journal.command("show")
@click.argument("entry_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON with the history.")
def journal_show(entry_id: int, as_json: bool) -> None:
    """Show entry ENTRY_ID with its full history and evidence."""
    with _open_journal(None) as store:
        try:
            entry = store.get(entry_id)
        except CoinsoleError as exc:
            _fail(str(exc))
        events = store.events(entry_id)
    if as_json:
        record = entry.as_record()
        record["events"] = [e.as_record() for e in events]
        click.echo(json.dumps(record, indent=2, ensure_ascii=False))
        return
    r = entry.request
    click.echo(f"entry {entry.id}: {entry.state.value}  ({entry.settlement.value} settlement)")
    click.echo(f"  {r.kind.value} {plain(r.amount)} {r.coin} via {r.profile} ({r.venue})")
    click.echo(f"  to {r.destination}")
    click.echo(f"  key {entry.client_key}  venue ref {entry.venue_ref or '-'}  "
               f"attempts {entry.attempts}")
    if entry.receipt:
        rc = entry.receipt
        click.echo(f"  venue status {rc.venue_status or rc.status.value}"
                   + (f"  fee {plain(rc.fee)} {rc.fee_coin or ''}".rstrip() if rc.fee is not None else "")
                   + (f"  arrival {plain(rc.arrival)}" if rc.arrival is not None else ""))
    if entry.last_error:
        click.echo(f"  last error: {entry.last_error}")
    if entry.note:
        click.echo(f"  note: {entry.note}")
    click.echo("  history:")
    for ev in events:
        change = f"{ev.from_state.value} -> {ev.to_state.value}" if ev.from_state else ev.to_state.value
        click.echo(f"    {iso_time_ms(ev.at_ms)}  {change}  {ev.detail}")


@journal.command("settle")
@click.option("--json", "as_json", is_flag=True, help="Print the settled entries as JSON.")
def journal_settle(as_json: bool) -> None:
    """Settle every unknown request by its endpoint's rule (resend with the same key, look
    it up, or gather evidence for you), after marking any left SUBMITTING by a crash.

    A BHEX withdrawal needs the trade password again to resend (COINSOLE_TRADE_PASSWORD).
    An entry another process is still sending (its lease is live) is skipped and named.
    Exit code 4 while any entry is still unknown, being sent or could not be settled, else 0.
    """
    ctx = _Context(False, None)

    async def work(ctx: _Context) -> int:
        from tui.journal import EntryState
        from tui.journal.executor import skipped_line

        password = os.environ.get(TRADE_PASSWORD_ENV)
        secret = SecretStr(password) if password else None
        open_ids = [e.id for e in ctx.journal.entries([EntryState.SUBMITTING, EntryState.UNKNOWN])]
        settled, lines, failed = [], [], False
        for entry_id in open_ids:
            # One entry's trouble never stops the loop: every entry is reported.
            try:
                entry = await ctx.mover.settle(entry_id, trade_password=secret)
                skipped = skipped_line(entry)
                if skipped is None and entry.state is EntryState.ACCEPTED:
                    try:
                        entry = await ctx.mover.reconcile(entry)
                    except CoinsoleError:
                        pass
            except CoinsoleError as exc:
                failed = True
                lines.append(f"{entry_id:>5}  {'UNSETTLED':<10}  could not settle: {exc}")
                continue
            except Exception as exc:  # noqa: BLE001 - reported for this entry, loop goes on
                failed = True
                lines.append(f"{entry_id:>5}  {'UNSETTLED':<10}  could not settle: "
                             f"{type(exc).__name__}: {exc}")
                continue
            settled.append(entry)
            lines.append(f"{entry.id:>5}  {entry.state.value:<10}  "
                         + (skipped if skipped is not None else entry.note))
        if as_json:
            click.echo(json.dumps([e.as_record() for e in settled], indent=2, ensure_ascii=False))
        elif not lines:
            click.echo("nothing to settle")
        else:
            click.echo("\n".join(lines))
        still_open = failed or any(
            e.state in (EntryState.UNKNOWN, EntryState.SUBMITTING) for e in settled)
        return EXIT_UNKNOWN if still_open else 0

    sys.exit(ctx.run(work))


@journal.command("resolve")
@click.argument("entry_id", type=int)
@click.argument("outcome", type=click.Choice(["accepted", "rejected"]))
@click.option("--note", required=True, help="Why: the evidence you checked.")
def journal_resolve(entry_id: int, outcome: str, note: str) -> None:
    """Decide an UNKNOWN entry yourself (for endpoints that are never resent)."""
    from tui.journal import Mover

    with _open_journal(None) as store:
        try:
            entry = Mover(None, store).resolve(entry_id, outcome, note)  # type: ignore[arg-type]
        except CoinsoleError as exc:
            _fail(str(exc))
    click.echo(f"entry {entry.id} is now {entry.state.value}")


@journal.command("cancel")
@click.argument("entry_id", type=int)
def journal_cancel(entry_id: int) -> None:
    """Ask the venue to cancel an accepted, still pending request."""
    with _open_journal(None) as store:
        try:
            profile = store.get(entry_id).profile
        except CoinsoleError as exc:
            _fail(str(exc))
    ctx = _Context(False, profile)

    async def work(ctx: _Context) -> int:
        try:
            entry = await ctx.mover.cancel(entry_id)
        except CoinsoleError as exc:
            _fail(str(exc), EXIT_REJECTED)
        click.echo(f"entry {entry.id} is {entry.state.value}: {entry.note}")
        return 0

    sys.exit(ctx.run(work))


def register(main_group: click.Group) -> None:
    """Add ``transfer``, ``send``, ``withdraw`` and ``journal`` to the ``coinsole`` group."""
    for command in (transfer, send, withdraw, journal):
        if command.name not in main_group.commands:
            main_group.add_command(command)
