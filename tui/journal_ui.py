"""Glue between the TUI and the journal: one journal and mover per session, the steps of
sending a move, and the words the screens use for states and settlements.

The Move money and Activity screens share one :class:`~tui.journal.Journal` per session:
:func:`journal_for` opens ``journal.sqlite`` in the data directory for a real session and
an in-memory journal for the sandbox demo (a :class:`~tui.demo.DemoSession`), so the demo
never writes to the operator's journal. Tests attach their own with :func:`attach_journal`.

Every function here that talks to a venue is a coroutine, meant to run in a Textual
worker; the synchronous ones only read or write the local journal.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import SecretStr

from tui.core.models import AccountRef, Balance
from tui.core.money import plain
from tui.core.moves import TRADE_PASSWORD_VENUES, MoveKind, MoveRequest, Settlement
from tui.journal import EntryState, Journal, JournalEntry, Mover

__all__ = [
    "TRADE_PASSWORD_VENUES",
    "JournalBinding",
    "journal_for",
    "mover_for",
    "attach_journal",
    "needs_trade_password",
    "settlement_words",
    "send_move",
    "available_in",
    "state_class",
    "time_text",
    "set_time_format",
]


@dataclass
class JournalBinding:
    """The journal and mover a session's screens share."""

    journal: Journal
    mover: Mover


_BINDINGS: "weakref.WeakKeyDictionary[Any, JournalBinding]" = weakref.WeakKeyDictionary()


def _is_demo(session: Any) -> bool:
    try:
        from tui.demo import DemoSession
    except ImportError:  # pragma: no cover
        return False
    return isinstance(session, DemoSession)


def attach_journal(session: Any, journal: Journal, *,
                   lookup_final_after_ms: int | None = None) -> JournalBinding:
    """Make ``journal`` the one the screens of ``session`` use (tests, embedding)."""
    binding = JournalBinding(journal, Mover(session, journal,
                                            lookup_final_after_ms=lookup_final_after_ms))
    _BINDINGS[session] = binding
    return binding


def _binding(session: Any) -> JournalBinding:
    binding = _BINDINGS.get(session)
    if binding is None:
        if _is_demo(session):
            # As ``coinsole --demo`` does: the sandbox's history is complete as soon as a
            # write commits, and nothing outlives the session.
            binding = attach_journal(session, Journal(":memory:"), lookup_final_after_ms=0)
        else:
            from tui.paths import app_paths

            paths = app_paths()
            path = paths.ensure(paths.data_dir) / "journal.sqlite"
            binding = attach_journal(session, Journal(path))
            from tui.approvals.service import policy_gate

            binding.mover.policy_gate = policy_gate(binding.journal)
    return binding


def journal_for(session: Any) -> Journal:
    """The journal of ``session``: in memory for a demo session, else ``journal.sqlite``
    in the data directory. Opened once and shared by every screen of the session."""
    return _binding(session).journal


def mover_for(session: Any) -> Mover:
    """The :class:`~tui.journal.Mover` over ``session`` and its :func:`journal_for`."""
    return _binding(session).mover


async def recover_interrupted(session: Any) -> tuple[int, int] | None:
    """On start (and after an unlock): settle what a previous run left unfinished.

    Every SUBMITTING entry whose lease is stale (the run stopped mid-flight) becomes
    UNKNOWN, then every UNKNOWN entry is settled the way its endpoint allows
    (:meth:`~tui.journal.Mover.recover`). An entry another process is still sending (a CLI
    transfer in flight: its lease is live) is left alone. Returns (entries that were
    unfinished, entries still UNKNOWN for the operator), or None when there was nothing to
    do: a demo session, no journal file yet, or nothing open but live sends.
    """
    if _is_demo(session):
        return None
    from tui.paths import app_paths

    if not (app_paths().data_dir / "journal.sqlite").exists():
        return None
    journal = journal_for(session)
    open_entries = [e for e in journal.entries([EntryState.SUBMITTING, EntryState.UNKNOWN])
                    if e.live_lease() is None]
    if not open_entries:
        return None
    await mover_for(session).recover()
    return len(open_entries), len(journal.entries([EntryState.UNKNOWN]))


def needs_trade_password(venue: str) -> bool:
    """Whether a withdrawal at ``venue`` needs the trade password typed (BHEX)."""
    return venue in TRADE_PASSWORD_VENUES


def settlement_words(settlement: Settlement) -> str:
    """How an unknown outcome of a request with ``settlement`` is handled, in words."""
    return {
        Settlement.KEYED: "if the reply is lost, coinsole resends with the same key; the "
                          "venue moves the money at most once",
        Settlement.LOOKUP: "if the reply is lost, coinsole looks the request up in the "
                           "venue's history; it is never resent",
        Settlement.NONE: "if the reply is lost, it is never resent: you decide from the "
                         "evidence (history, balances) in Activity",
    }[settlement]


async def send_move(mover: Mover, request: MoveRequest, settlement: Settlement, *,
                    trade_password: SecretStr | None = None,
                    progress: Callable[[str], object] | None = None) -> JournalEntry:
    """Journal ``request`` (DRAFT -> APPROVED), send it once, and look at its venue status
    once; returns the entry as it stands. Call exactly once per confirmation."""
    def say(text: str) -> None:
        if progress is not None:
            progress(text)

    say("recording in the journal…")
    entry = mover.approve(mover.record(request, settlement), by="operator (tui)")
    say(f"sending (journal entry {entry.id})…")
    entry = await mover.submit(entry, trade_password=trade_password)
    if entry.state is EntryState.ACCEPTED:
        say("accepted; checking the venue status…")
        try:
            entry = await mover.reconcile(entry)
        except Exception:  # noqa: BLE001 - the send is done; status is refreshed later
            entry = mover.journal.get(entry.id)
    return entry


def available_in(balances: list[Balance], coin: str, account: AccountRef | None) -> Decimal | None:
    """The available ``coin`` in ``account`` (every account when None), summed exactly by
    :func:`tui.journal.accounts.available_in`; None when no balance of the coin is there."""
    from tui.journal.accounts import available_in as exact_available_in

    return exact_available_in(balances, coin, account)


def state_class(state: EntryState) -> str:
    """The CSS class for a state's colour: ``-ok``, ``-bad`` or ``-warn``."""
    if state in (EntryState.ACCEPTED, EntryState.RECONCILED):
        return "-ok"
    if state is EntryState.REJECTED:
        return "-bad"
    return "-warn"


_time_format: Callable[[int], str] | None = None


def set_time_format(formatter: Callable[[int], str] | None) -> None:
    """Render journal times with ``formatter`` (ms -> text); None restores the display zone (tui.core.times).
    Snapshot tests pass a fixed one."""
    global _time_format
    _time_format = formatter


def time_text(ms: int, *, short: bool = False) -> str:
    """A journal time (epoch ms) as ``YYYY-MM-DD HH:MM:SS`` in the display zone (UTC
    unless the user chose local time: :mod:`tui.core.times`; ``short``:
    ``MM-DD HH:MM:SS``)."""
    if _time_format is not None:
        text = _time_format(ms)
    else:
        from tui.core.times import display_time

        text = display_time(ms // 1000)
    return text[5:] if short and len(text) == 19 else text


def amount_text(value: Decimal, coin: str) -> str:
    """``value`` with every digit, and its coin."""
    return f"{plain(value)} {coin}"


MOVE_KIND_WORDS = {MoveKind.TRANSFER.value: "transfer",
                   MoveKind.INTERNAL_TRANSFER.value: "send",
                   MoveKind.WITHDRAW.value: "withdraw"}
"""Short words for each kind of move, as Activity shows them."""
