"""The executor: prepares, approves, sends, settles, reconciles and cancels journaled moves.

Every send is preceded by a committed, fsync'd SUBMITTING write, so a crash at any moment
leaves the journal knowing the request may have gone. Unknown outcomes are settled by the
endpoint's :class:`~tui.core.moves.Settlement`:

* KEYED — resend with the same key (the venue returns the first result and moves nothing).
  A request first sent with a trade password needs it typed again; without it the entry
  stays UNKNOWN with a note saying so.
* LOOKUP — ask the venue's history (``lookup_move``: every candidate record). A record
  provably this request's (tui/journal/matching.py: its key or id, else the one record
  since the first send that no other entry holds): ACCEPTED with the evidence. Several,
  only held or only older ones: UNKNOWN with every candidate in the note. Nothing alike at
  all: UNKNOWN for the operator — unless the mover was told the venue's history is
  authoritative after a delay (``lookup_final_after_ms``) and that much time has passed
  since the last send; then it is REJECTED as never applied.
* NONE — never resent. Evidence is gathered (a lookup where the adapter offers one) and the
  entry stays UNKNOWN until the operator calls :meth:`Mover.resolve`.

A request is sent a second time only if its settlement is KEYED, with the same key. A
KEYED send whose reply is lost is resent by :meth:`Mover.submit` itself, with the same key
(and the same trade password, held for that call only), up to ``keyed_attempts`` sends in
all with a short jittered backoff; only then is it left UNKNOWN.

An entry being sent is leased to its sender (pid, host, token; a heartbeat renews it while
the reply is awaited). Settling and recovery skip an entry whose lease is live and say so:
only a stale lease means a crash. A transition that lost a race to another process is
re-read, never raised.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from typing import Any, Literal, Protocol

from pydantic import SecretStr

from tui.core.errors import CoinsoleError
from tui.core.moves import (
    LookupCandidate,
    LookupResult,
    MoveKind,
    MoveReceipt,
    MoveRequest,
    Settlement,
)
from tui.journal.dispatch import look_up, send_request
from tui.journal.matching import Verdict, decide
from tui.journal.outcomes import classify_failure
from tui.journal.states import EntryState, IllegalTransition
from tui.journal.store import Journal, JournalEntry, JournalWriteFailed, now_ms

__all__ = ["Mover", "AdapterSource", "UnrecordedOutcome", "skipped_line"]

HEARTBEAT_S = 3.0  # float-ok: seconds between lease renewals while a send is awaited


class UnrecordedOutcome(JournalWriteFailed):
    """The request was sent, but the journal could not record what came back. The entry
    stays SUBMITTING under a lease that goes stale, so the next settle picks it up."""

    def __init__(self, entry_id: int, cause: BaseException) -> None:
        self.entry_id = entry_id
        super().__init__(
            f"journal entry {entry_id} was sent but its outcome could not be recorded "
            f"({cause}); do not resend by hand: run `coinsole journal settle` once the "
            "journal is writable")


def skipped_line(entry: JournalEntry) -> str | None:
    """``entry 5 is being sent by pid 1234 on host; skipped`` for an entry another sender
    holds a live lease on, else None."""
    lease = entry.live_lease()
    if lease is None:
        return None
    return f"entry {entry.id} is being sent by {lease.describe()}; skipped"


class AdapterSource(Protocol):
    """Anything that hands out an adapter per profile (a :class:`~tui.session.Session`)."""

    def adapter(self, name: str) -> Any:
        """The venue adapter of profile ``name``."""


class Mover:
    """Moves money through the journal (see the module docstring for the rules).

    ``session`` supplies adapters by profile name; ``journal`` is where every request is
    recorded. ``lookup_final_after_ms``: when set, a LOOKUP entry not found that long after
    its last send is REJECTED (use only for venues whose history is complete by then).
    """

    def __init__(self, session: AdapterSource, journal: Journal, *,
                 lookup_final_after_ms: int | None = None,
                 clock: Callable[[], int] = now_ms,
                 keyed_attempts: int = 3,
                 keyed_backoff_s: float = 0.25) -> None:  # float-ok: seconds
        self.session = session
        self.journal = journal
        self.lookup_final_after_ms = lookup_final_after_ms
        self._clock = clock
        self.keyed_attempts = max(1, keyed_attempts)
        """Sends in all (the first and the same-key resends) before a KEYED entry whose
        replies were lost is left UNKNOWN."""
        self.keyed_backoff_s = keyed_backoff_s
        """The first resend's delay; doubled each time, with up to 50% jitter."""
        self.failures: dict[int, str] = {}
        """Entries the last :meth:`settle_all` could not settle (id -> why)."""
        self.policy_gate: Callable[[JournalEntry], None] | None = None
        """Called with a DRAFT entry before :meth:`approve` approves it; raises to refuse
        (the approvals policy's fail-safe, tui/approvals/service.py ``policy_gate``)."""

    # -- preparing ------------------------------------------------------------------

    def build(self, *, kind: MoveKind, profile: str, coin: str, amount: Any,
              **fields: Any) -> tuple[MoveRequest, Settlement]:
        """The request (with a fresh key from the adapter) and its settlement, not journaled.

        ``fields`` are the destination fields of :class:`MoveRequest`."""
        adapter = self.session.adapter(profile)
        acting = getattr(self.session, "acting_for", {}).get(profile)
        if acting is not None:
            fields.setdefault("user_id", acting)  # the support desk acts for this user
        request = MoveRequest(kind=kind, profile=profile, venue=adapter.venue_id, coin=coin,
                              amount=amount, client_key=adapter.new_client_key(kind), **fields)
        return request, adapter.settlement(request)

    def record(self, request: MoveRequest, settlement: Settlement, *,
               ask_policy: bool = True) -> JournalEntry:
        """Write a built request to the journal as DRAFT. A :attr:`policy_gate` with a
        ``before_record`` is asked first (unless ``ask_policy`` is False: the caller has
        just asked it); a request it blocks raises there and nothing is written."""
        before_record = getattr(self.policy_gate, "before_record", None)
        if ask_policy and before_record is not None:
            before_record(request)
        return self.journal.add(request, settlement,
                                detail=f"recorded; settlement {settlement.value}")

    def prepare(self, *, kind: MoveKind, profile: str, coin: str, amount: Any,
                **fields: Any) -> JournalEntry:
        """Build the request and record it as a DRAFT entry (nothing is sent)."""
        request, settlement = self.build(kind=kind, profile=profile, coin=coin, amount=amount,
                                         **fields)
        return self.record(request, settlement)

    def approve(self, entry: JournalEntry | int, *, by: str = "operator") -> JournalEntry:
        """DRAFT (or PENDING_APPROVAL) -> APPROVED; a DRAFT passes :attr:`policy_gate`
        first when one is set."""
        if self.policy_gate is not None:
            current = self.journal.get(_id(entry))
            if current.state is EntryState.DRAFT:
                self.policy_gate(current)
        return self.journal.transition(_id(entry), EntryState.APPROVED, detail=f"approved by {by}")

    # -- sending --------------------------------------------------------------------

    async def submit(self, entry: JournalEntry | int, *,
                     trade_password: SecretStr | None = None) -> JournalEntry:
        """Send an APPROVED entry: SUBMITTING is on disk before the adapter is called; the
        entry ends ACCEPTED, REJECTED or UNKNOWN (never raises for the venue's answer).

        A KEYED entry whose reply is lost is resent with the same key (and the same trade
        password) up to ``keyed_attempts`` sends in all, each one journaled. Raises
        :class:`JournalWriteFailed` when the journal cannot be written before the send
        (nothing was sent) and :class:`UnrecordedOutcome` when it fails after."""
        entry_id = _id(entry)
        result = await self._send(entry_id, trade_password, resend=False)
        delay = self.keyed_backoff_s
        sends = 1
        while (result.state is EntryState.UNKNOWN and result.settlement is Settlement.KEYED
               and sends < self.keyed_attempts):
            await asyncio.sleep(delay * (1 + random.random() / 2))  # float-ok: seconds
            delay *= 2
            try:
                result = await self._send(entry_id, trade_password, resend=True)
            except IllegalTransition:
                # Another process (a settle) took the entry meanwhile: it is theirs now.
                return self.journal.get(entry_id)
            sends += 1
        return result

    async def _send(self, entry_id: int, trade_password: SecretStr | None, *,
                    resend: bool) -> JournalEntry:
        before = self.journal.get(entry_id)
        if resend and before.settlement is not Settlement.KEYED:
            raise CoinsoleError(f"journal entry {entry_id} is {before.settlement.value}: "
                                "never resent")
        # Credentials first: nothing changes state until the adapter is in hand.
        adapter = self.session.adapter(before.profile)
        expect = EntryState.UNKNOWN if resend else EntryState.APPROVED
        attempt = before.attempts + 1
        what = "resending with the same key" if resend else "sending"
        entry = self.journal.transition(
            entry_id, EntryState.SUBMITTING, expect=expect, sending=True,
            needs_password=True if trade_password is not None else None,
            detail=f"{what} (attempt {attempt}, key {before.client_key})",
        )
        beating = asyncio.create_task(self._heartbeat(entry_id))
        try:
            try:
                with self.journal.holding(entry_id):
                    receipt = await send_request(adapter, entry.request,
                                                 trade_password=trade_password)
            finally:
                beating.cancel()
        except asyncio.CancelledError:
            self._record(entry_id, EntryState.UNKNOWN, error="cancelled mid-flight",
                         note="the send was interrupted; settle it",
                         detail="interrupted after sending began")
            raise
        except Exception as exc:  # noqa: BLE001 - every failure is journaled
            state = classify_failure(exc, resend=resend)
            text = _error_text(exc)
            note = ("refused by the venue" if state is EntryState.REJECTED
                    else "outcome unknown: " + _settle_hint(entry))
            return self._record(entry_id, state, error=text, note=note,
                                detail=f"{state.value.lower()}: {text}")
        try:
            return self._accept(entry_id, receipt, "accepted by the venue", lease_holder=True)
        except IllegalTransition:
            return self.journal.get(entry_id)
        except JournalWriteFailed as exc:
            raise UnrecordedOutcome(entry_id, exc) from None

    def _record(self, entry_id: int, state: EntryState, **fields: Any) -> JournalEntry:
        """The sender's own write of its reply: only while it still holds the lease (else
        another process took the entry, and it is re-read)."""
        try:
            return self.journal.transition(entry_id, state, lease_holder=True, **fields)
        except IllegalTransition:
            return self.journal.get(entry_id)
        except JournalWriteFailed as exc:
            raise UnrecordedOutcome(entry_id, exc) from None

    async def _heartbeat(self, entry_id: int) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_S)
            self.journal.heartbeat(entry_id)

    def _accept(self, entry_id: int, receipt: MoveReceipt, how: str, *,
                lease_holder: bool = False) -> JournalEntry:
        detail = f"{how}: ref {receipt.venue_ref or '-'}, status {receipt.venue_status or receipt.status.value}"
        if receipt.evidence:
            detail += f"; {receipt.evidence}"
        return self.journal.transition(entry_id, EntryState.ACCEPTED, receipt=receipt,
                                       note=how, detail=detail, lease_holder=lease_holder)

    # -- settling -------------------------------------------------------------------

    async def settle(self, entry: JournalEntry | int, *,
                     trade_password: SecretStr | None = None) -> JournalEntry:
        """Settle an UNKNOWN entry (or a SUBMITTING one whose lease is stale: a crash).

        Returns the entry as it stands afterwards; other states, and a SUBMITTING entry
        another sender holds a live lease on (see :func:`skipped_line`), are returned
        unchanged. Losing a race to another process re-reads the entry."""
        try:
            return await self._settle(_id(entry), trade_password)
        except IllegalTransition:
            return self.journal.get(_id(entry))

    async def _settle(self, entry_id: int, trade_password: SecretStr | None) -> JournalEntry:
        current = self.journal.get(entry_id)
        if current.state is EntryState.SUBMITTING:
            if current.live_lease() is not None:
                return current
            current = self._mark_crashed(current)
        if current.state is not EntryState.UNKNOWN:
            return current
        if current.settlement is Settlement.KEYED:
            if current.needs_password and trade_password is None:
                return self.journal.note(
                    current.id, "needs the trade password to resend (same key); not resent",
                    note="needs the trade password to resend with the same key")
            return await self._send(current.id, trade_password, resend=True)
        found = await self._lookup(current)
        if isinstance(found, str):
            return self.journal.note(current.id, f"lookup failed: {found}",
                                     note=f"lookup failed ({found}); settle again later")
        if current.settlement is Settlement.LOOKUP:
            return self._settle_by_lookup(current, found)
        return self._gather_evidence(current, found)

    async def _lookup(self, entry: JournalEntry) -> MoveReceipt | Verdict | str:
        """The venue's record of ``entry`` when a lookup proves it is this request's
        (tui/journal/matching.py), else the undecided :class:`Verdict` with every
        candidate and why it is not proof, or the error text when the lookup failed."""
        adapter = self.session.adapter(entry.profile)
        # The adapter widens this by its own margin for clock differences.
        since = entry.first_sent_ms or entry.created_ms
        try:
            found = await look_up(adapter, entry.request, venue_ref=entry.venue_ref,
                                  sent_after_ms=since)
        except NotImplementedError:
            found = LookupResult(supported=False,
                                 reason="the venue offers no lookup for this request")
        except Exception as exc:  # noqa: BLE001 - recorded as evidence
            return _error_text(exc)
        verdict = decide(_as_result(found), claimed=self._claimed_elsewhere(entry))
        return verdict.receipt if verdict.receipt is not None else verdict

    def _claimed_elsewhere(self, entry: JournalEntry) -> dict[str, int]:
        """The venue refs other journal entries of ``entry``'s venue hold, to their ids."""
        return {other.venue_ref: other.id for other in self.journal.entries()
                if other.id != entry.id and other.venue == entry.venue and other.venue_ref}

    def _settle_by_lookup(self, entry: JournalEntry, found: MoveReceipt | Verdict) -> JournalEntry:
        if isinstance(found, MoveReceipt):
            return self._accept(entry.id, found, "found by lookup")
        if not found.supported:
            return self._cannot_look_up(entry, found, "settlement lookup")
        waited = self._clock() - (entry.last_sent_ms or entry.created_ms)
        if found.nothing_found and self.lookup_final_after_ms is not None \
                and waited >= self.lookup_final_after_ms:
            return self.journal.transition(
                entry.id, EntryState.REJECTED,
                note="not found by lookup: never applied",
                detail=f"not found by lookup {waited} ms after sending; the venue's history "
                       "is treated as complete by then, so it was never applied")
        if found.nothing_found:
            return self.journal.note(
                entry.id, f"not found by lookup {waited} ms after sending",
                note="not found at the venue (yet); settle again later, or resolve it by hand")
        return self.journal.note(
            entry.id, f"lookup undecided {waited} ms after sending: {found.evidence}",
            note="no venue record is provably this request's; " + found.evidence
                 + "; " + _RESOLVE_HINT)

    def _cannot_look_up(self, entry: JournalEntry, found: Verdict, settlement: str) -> JournalEntry:
        """The note for an endpoint the venue offers no lookup for (never "not found")."""
        what = _CHECK.get(entry.kind, "the balances involved")
        return self.journal.note(
            entry.id, f"evidence: none possible: {found.reason}",
            note=f"never resent ({settlement}); this request cannot be looked up at the "
                 f"venue ({found.reason}), so nothing is known of its outcome; check "
                 f"{what} and the venue's web history, then {_RESOLVE_HINT}")

    def _gather_evidence(self, entry: JournalEntry, found: MoveReceipt | Verdict) -> JournalEntry:
        if isinstance(found, MoveReceipt):
            evidence = (f"a matching venue record exists: ref {found.venue_ref or '-'}, "
                        f"status {found.venue_status or found.status.value}; {found.evidence}")
            return self.journal.note(entry.id, f"evidence: {evidence}",
                                     note=f"never resent (settlement none); {evidence}; "
                                          "operator to resolve")
        if not found.supported:
            return self._cannot_look_up(entry, found, "settlement none")
        if found.rejected:
            return self.journal.note(
                entry.id, f"evidence: no record provably this request's; {found.evidence}",
                note="never resent (settlement none); no venue record is provably this "
                     f"request's; {found.evidence}; {_RESOLVE_HINT}")
        return self.journal.note(
            entry.id, "evidence: no matching venue record found",
            note="never resent (settlement none); no matching record found; check the "
                 "balances and resolve it as accepted or rejected")

    async def settle_all(self, *, trade_password: SecretStr | None = None) -> list[JournalEntry]:
        """Settle every UNKNOWN entry; returns them as they stand afterwards. One entry's
        failure (no credentials, a journal write) never stops the others: it is returned
        as it stands and its error kept in :attr:`failures` (id -> text)."""
        self.failures = {}
        settled = []
        for entry in self.journal.entries([EntryState.UNKNOWN]):
            try:
                settled.append(await self.settle(entry, trade_password=trade_password))
            except CoinsoleError as exc:
                self.failures[entry.id] = _error_text(exc)
                settled.append(self.journal.get(entry.id))
        return settled

    async def recover(self, *, trade_password: SecretStr | None = None) -> list[JournalEntry]:
        """On start: every SUBMITTING entry with a stale lease (a crash mid-flight) becomes
        UNKNOWN, then every UNKNOWN entry is settled. Returns the settled entries, and the
        SUBMITTING entries skipped because their sender is still live (unchanged)."""
        live = []
        for entry in self.journal.entries([EntryState.SUBMITTING]):
            if entry.live_lease() is not None:
                live.append(entry)
                continue
            try:
                self._mark_crashed(entry)
            except IllegalTransition:
                pass
        settled = await self.settle_all(trade_password=trade_password)
        return sorted([*live, *settled], key=lambda e: e.id)

    def _mark_crashed(self, entry: JournalEntry) -> JournalEntry:
        return self.journal.transition(
            entry.id, EntryState.UNKNOWN, expect=EntryState.SUBMITTING,
            expect_lease=entry.lease.token if entry.lease else None,
            error=entry.last_error or "interrupted mid-flight",
            note="found SUBMITTING: the previous run stopped mid-flight; " + _settle_hint(entry),
            detail="found SUBMITTING with a stale lease: crashed mid-flight, outcome unknown")

    def resolve(self, entry: JournalEntry | int, outcome: Literal["accepted", "rejected"],
                note: str) -> JournalEntry:
        """The operator's decision on an UNKNOWN entry, recorded with their ``note``."""
        state = {"accepted": EntryState.ACCEPTED, "rejected": EntryState.REJECTED}.get(outcome)
        if state is None:
            raise CoinsoleError(f"resolve as 'accepted' or 'rejected', not {outcome!r}")
        if not note.strip():
            raise CoinsoleError("say why: resolving an entry needs a note")
        return self.journal.transition(_id(entry), state, expect=EntryState.UNKNOWN,
                                       note=f"resolved by the operator: {note}",
                                       detail=f"resolved by the operator as {outcome}: {note}")

    # -- after acceptance -------------------------------------------------------------

    async def reconcile(self, entry: JournalEntry | int, *, timeout_s: float = 0.0,  # float-ok: seconds
                        interval_s: float = 1.0) -> JournalEntry:  # float-ok: seconds
        """Poll an ACCEPTED entry's venue status until it is final -> RECONCILED.

        Looks once when ``timeout_s`` is 0. Other states are returned unchanged."""
        current = self.journal.get(_id(entry))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while current.state is EntryState.ACCEPTED:
            receipt = current.receipt
            if receipt is None or not receipt.status.final:
                found = await self._lookup(current)
                if isinstance(found, MoveReceipt):
                    receipt = _merge(current.receipt, found)
                    if current.receipt is None or found.venue_status != current.receipt.venue_status \
                            or found.status is not current.receipt.status:
                        current = self.journal.note(
                            current.id, f"venue status {found.venue_status or found.status.value}",
                            receipt=receipt)
            if receipt is not None and receipt.status.final:
                return self.journal.transition(
                    current.id, EntryState.RECONCILED, receipt=receipt,
                    note=f"final at the venue: {receipt.venue_status or receipt.status.value}",
                    detail=f"final venue status {receipt.venue_status or receipt.status.value}")
            if loop.time() + interval_s > deadline:
                break
            await asyncio.sleep(interval_s)
            current = self.journal.get(current.id)
        return current

    async def cancel(self, entry: JournalEntry | int) -> JournalEntry:
        """Ask the venue to cancel an ACCEPTED, still pending entry (raises the venue's
        refusal, after recording it)."""
        current = self.journal.get(_id(entry))
        if current.state is not EntryState.ACCEPTED or not current.venue_ref:
            raise CoinsoleError(f"journal entry {current.id} is {current.state.value}; only an "
                                "accepted request with a venue id can be cancelled")
        if current.receipt is not None and current.receipt.status.final:
            raise CoinsoleError(f"journal entry {current.id} is already "
                                f"{current.receipt.status.value} at the venue")
        adapter = self.session.adapter(current.profile)
        cancellable = getattr(adapter, "cancellable", None)
        if cancellable is not None and not cancellable(current.request):
            raise CoinsoleError(f"{current.venue} does not let a {current.kind} be cancelled")
        try:
            receipt = await adapter.cancel_move(current.request, current.venue_ref)
        except Exception as exc:
            self.journal.note(current.id, f"cancel refused: {_error_text(exc)}",
                              error=_error_text(exc))
            raise
        current = self.journal.note(current.id, "cancel requested: venue status "
                                    f"{receipt.venue_status or receipt.status.value}",
                                    receipt=_merge(current.receipt, receipt))
        if receipt.status.final:
            return self.journal.transition(current.id, EntryState.RECONCILED,
                                           note="cancelled at the venue",
                                           detail="final after cancel: "
                                                  f"{receipt.venue_status or receipt.status.value}")
        return current


def _id(entry: JournalEntry | int) -> int:
    return entry if isinstance(entry, int) else entry.id


def _merge(old: MoveReceipt | None, new: MoveReceipt) -> MoveReceipt:
    """``new``, keeping the fee/arrival/ref of ``old`` where ``new`` lacks them."""
    if old is None:
        return new
    return new.model_copy(update={
        "venue_ref": new.venue_ref or old.venue_ref,
        "fee": new.fee if new.fee is not None else old.fee,
        "fee_coin": new.fee_coin or old.fee_coin,
        "arrival": new.arrival if new.arrival is not None else old.arrival,
    })


def _error_text(exc: BaseException) -> str:
    text = str(exc)
    return text if isinstance(exc, CoinsoleError) and text else f"{type(exc).__name__}: {text}"


_RESOLVE_HINT = ("resolve it with `coinsole journal resolve ID accepted|rejected --note ...` "
                 "or `a` in the Activity screen")
_CHECK = {
    MoveKind.TRANSFER: "the balances of both accounts",
    MoveKind.INTERNAL_TRANSFER: "your balance and ask the recipient",
    MoveKind.WITHDRAW: "your balance and the destination address",
    # support writes whose check needs a secret only the sending process held
    "login_password": "with the user that the new login password works",
    "trade_password": "the new trade password with `coinsole users verify-trade-password`",
    "ga_bind": "a code from the new key with `coinsole users verify-ga`",
    "user_register": "for the new user with `coinsole users search`",
}


def _as_result(found: LookupResult | MoveReceipt | None) -> LookupResult:
    """An adapter's answer as a :class:`LookupResult`: a bare receipt (an order found by
    its ``client_order_id``, a test fake) is the adapter vouching for it as proof; None is
    a complete search that found nothing."""
    if isinstance(found, LookupResult):
        return found
    if found is None:
        return LookupResult()
    return LookupResult(candidates=(LookupCandidate(receipt=found, proof=found.evidence
                                                    or "the adapter's own match"),))


def _settle_hint(entry: JournalEntry) -> str:
    return {
        Settlement.KEYED: "settle resends it with the same key",
        Settlement.LOOKUP: "settle looks it up in the venue's history",
        Settlement.NONE: "never resent; the operator decides from the evidence",
    }[entry.settlement]
