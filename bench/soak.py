"""Fault soak: 300 mixed money movements through the journal against a faulty sandbox.

Every venue drops 25% of write replies after committing (HTTP 502, empty body) and answers
10% of all requests with HTTP 500 before acting. After sending everything once, the
journal settles unknown outcomes by each endpoint's rule (same-key resends, history
lookups, evidence only) until nothing more can be settled; then every entry is compared
with the sandbox ledger. Prints requests, applied, duplicated, lost, left for the
operator, and p50/p99 latency of a send. Run:

    /work/venv/bin/python bench/soak.py [--requests 300] [--drop 0.25] [--error 0.10]

With ``--processes N`` it runs the process soak instead (bench/soak_processes.py): N
concurrent ``coinsole transfer --yes`` processes against a sandbox served in another
process, a ``journal settle`` loop beside them and SIGKILLs at random points:

    PYTHONPATH=$PWD python bench/soak.py --processes 4 --transfers 40 [--latency-ms 300]
        [--drop 0.3] [--kill-share 0.3] [--seed 1]

"applied" counts requests whose effect is in the ledger exactly once; "duplicated" those
in it more than once; "lost" those where the journal and the ledger disagree (the journal
says accepted and the ledger has nothing, or the journal says rejected and the ledger has
it). A request refused by a 500 before acting is rightly not applied, and its journal says
REJECTED (LOOKUP: not found in the venue's complete history) or stays UNKNOWN (NONE: for
the operator); neither is "lost".
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from tui.core.models import AccountKind, AccountRef
from tui.core.money import loads_exact
from tui.core.moves import MoveKind, Recipient, Settlement
from tui.journal import EntryState, Journal, JournalEntry, Mover

__all__ = ["SoakResult", "plan", "run_soak", "ledger_count", "ledger_outgoing", "compare",
           "TRADE_PASSWORD"]

TRADE_PASSWORD = "coinsole-demo-2468"
"""The sandbox's BHEX demo trade password (tui.sandbox.demo_money.DEMO_TRADE_PASSWORD)."""

_BITUNIX_PEER = "989541187"
_BITUNIX_ADDRESS = ("Tron (TRC-20)", "TJmW5D1p1LnMdTMmxuY1VELHht7v5HV7rU")
_BHEX_AT = ("coinsoledemo", "482698709891649536")
_MIX = (
    # (share of requests, name)
    (75, "fcoin_transfer"),
    (50, "bitunix_inside"),
    (50, "bitunix_withdraw"),
    (35, "bitunix_funds"),
    (40, "bhex_transfer"),
    (50, "bhex_withdraw"),
)


def plan(n: int = 300) -> list[tuple[str, dict[str, Any]]]:
    """``n`` requests, interleaved, each with an amount unique at its venue so the ledger
    can be matched against the journal: (profile, fields for :meth:`Mover.prepare`)."""
    total = sum(share for share, _ in _MIX)
    kinds = [name for share, name in _MIX for _ in range(round(share * n / total))]
    while len(kinds) < n:
        kinds.append("fcoin_transfer")
    kinds = kinds[:n]
    # Interleave deterministically: sort by position within each kind's run.
    order: Counter[str] = Counter()
    keyed = []
    for name in kinds:
        order[name] += 1
        keyed.append((order[name] / kinds.count(name), name, order[name]))
    requests = []
    for _, name, i in sorted(keyed):
        requests.append(_request(name, i))
    return requests


def _request(name: str, i: int) -> tuple[str, dict[str, Any]]:
    tiny = Decimal(i).scaleb(-6)  # unique per request of a kind
    spot, contract = AccountRef(kind=AccountKind.SPOT), AccountRef(kind=AccountKind.CONTRACT)
    if name == "fcoin_transfer":
        to = [AccountRef(kind=AccountKind.SPOT), AccountRef(kind=AccountKind.CONTRACT),
              AccountRef(kind=AccountKind.OTHER, name="bx")][i % 3]
        return "fcoin-demo", dict(kind=MoveKind.TRANSFER, coin="USDT", amount=Decimal(1) + tiny,
                                  from_account=AccountRef(kind=AccountKind.ASSET_CENTER),
                                  to_account=to)
    if name == "bitunix_inside":
        return "bitunix-demo", dict(kind=MoveKind.INTERNAL_TRANSFER, coin="USDT",
                                    amount=Decimal("0.3") + tiny,
                                    recipient=Recipient(kind="uid", value=_BITUNIX_PEER))
    if name == "bitunix_withdraw":
        network, address = _BITUNIX_ADDRESS
        return "bitunix-demo", dict(kind=MoveKind.WITHDRAW, coin="USDT",
                                    amount=Decimal("1.5") + tiny, network=network,
                                    address=address)
    if name == "bitunix_funds":
        return "bitunix-demo", dict(kind=MoveKind.TRANSFER, coin="USDT",
                                    amount=Decimal("0.7") + tiny, from_account=spot,
                                    to_account=AccountRef(kind=AccountKind.FUTURES))
    if name == "bhex_transfer":
        return "bhex-demo", dict(kind=MoveKind.TRANSFER, coin="USDT",
                                 amount=Decimal("2") + tiny, from_account=contract,
                                 to_account=spot)
    if name == "bhex_withdraw":
        address, memo = _BHEX_AT
        return "bhex-demo", dict(kind=MoveKind.WITHDRAW, coin="AT",
                                 amount=Decimal(10) + Decimal(i).scaleb(-2), address=address,
                                 memo=memo, miner_fee=Decimal(0), convert_rate=Decimal(1))
    raise ValueError(name)


# -- the ledger's side ------------------------------------------------------------------


def ledger_outgoing(sandbox: Any, venue: str, coin: str, *,
                    transfer_flows: bool = False) -> list[tuple[str | None, Decimal]]:
    """Every outgoing record of ``coin`` at ``venue`` in the sandbox ledger (read
    directly), as (its idempotency key or None, the amount the request asked to move).

    ``transfer_flows``: BHEX sub-account transfers instead, which leave no movement
    record: their balance flows into the destination account (no key)."""
    with sandbox.ledger.transaction() as db:
        if transfer_flows:
            rows = db.execute("SELECT change FROM flows WHERE venue = ? AND coin = ? "
                              "AND flow_type = 'Transfer'", (venue, coin)).fetchall()
            return [(None, Decimal(change)) for (change,) in rows]
        rows = db.execute("SELECT kind, idem_key, amount, data FROM moves WHERE venue = ? "
                          "AND coin = ?", (venue, coin)).fetchall()
    return [(key, Decimal(str(loads_exact(data).get("gross", moved))))  # bitunix keeps net
            for kind, key, moved, data in rows
            if not (kind.endswith("_in") or kind == "deposit")]


def ledger_count(sandbox: Any, entry: JournalEntry) -> int:
    """How many times the sandbox ledger holds ``entry``'s effect (read directly).

    Keyed moves are found by their key, others by venue, coin and the request's unique
    amount; BHEX sub-account transfers (no movement record) by their balance flow into the
    destination account."""
    request = entry.request
    flows = request.venue == "bhex" and request.kind is MoveKind.TRANSFER
    records = ledger_outgoing(sandbox, request.venue, request.coin, transfer_flows=flows)
    # A keyed record is this request's by its key; one without a key by its unique amount.
    return sum(1 for key, moved in records
               if (key == request.client_key if key is not None else moved == request.amount))


@dataclass
class SoakResult:
    """What a soak found; see the module docstring for the words."""

    requests: int = 0
    applied: int = 0
    duplicated: int = 0
    lost: int = 0
    not_applied: int = 0
    left_for_operator: int = 0
    states: Counter = field(default_factory=Counter)
    by_settlement: dict = field(default_factory=dict)
    latencies_ms: list = field(default_factory=list)
    settle_rounds: int = 0
    problems: list = field(default_factory=list)
    seconds: float = 0.0  # float-ok: wall time

    def percentile(self, p: int) -> float:  # float-ok: milliseconds
        """The ``p``-th percentile of send latency in ms."""
        if not self.latencies_ms:
            return 0.0
        cuts = statistics.quantiles(self.latencies_ms, n=100, method="inclusive")
        return cuts[p - 1]


def compare(sandbox: Any, entries: list[JournalEntry]) -> SoakResult:
    """Compare every journal entry with the ledger (see the module docstring)."""
    result = SoakResult(requests=len(entries))
    for entry in entries:
        n = ledger_count(sandbox, entry)
        result.states[entry.state.value] += 1
        row = result.by_settlement.setdefault(entry.settlement.value, Counter())
        row[f"{entry.state.value}/{n}"] += 1
        said_yes = entry.state in (EntryState.ACCEPTED, EntryState.RECONCILED)
        said_no = entry.state is EntryState.REJECTED
        if n == 1:
            result.applied += 1
        elif n > 1:
            result.duplicated += 1
            result.problems.append(f"entry {entry.id} applied {n} times")
        else:
            result.not_applied += 1
        if (said_yes and n != 1) or (said_no and n != 0):
            result.lost += 1
            result.problems.append(f"entry {entry.id} is {entry.state.value} but the ledger "
                                   f"has it {n} time(s)")
        if entry.state is EntryState.UNKNOWN:
            result.left_for_operator += 1
            if entry.settlement is not Settlement.NONE and not entry.needs_password:
                result.problems.append(f"{entry.settlement.value} entry {entry.id} unsettled")
    return result


# -- the run ----------------------------------------------------------------------------


async def run_soak(n: int = 300, *, drop_rate: float = 0.25, error_rate: float = 0.10,  # float-ok
                   journal_path: Path | None = None, concurrency: int = 12,
                   max_rounds: int = 25) -> SoakResult:
    """Run the soak on a fresh in-process sandbox and return what it found."""
    from tui.demo import demo_session
    from tui.sandbox import Sandbox

    started = time.perf_counter()
    sandbox = Sandbox()
    session = demo_session(sandbox)
    tmp = None
    if journal_path is None:
        tmp = tempfile.TemporaryDirectory()
        journal_path = Path(tmp.name) / "journal.sqlite"
    journal = Journal(journal_path)
    # The sandbox's history is complete once a write commits: a lookup that finds nothing
    # after the send proves it never applied.
    mover = Mover(session, journal, lookup_final_after_ms=0)
    password = SecretStr(TRADE_PASSWORD)
    try:
        for venue in ("fcoin", "bitunix", "bhex"):
            sandbox.faults.configure(venue, drop_rate=drop_rate, error_rate=error_rate)
        entries = [mover.approve(mover.prepare(profile=p, **fields)) for p, fields in plan(n)]
        latencies: list[float] = []  # float-ok: ms
        gate = asyncio.Semaphore(concurrency)

        async def one(entry: JournalEntry) -> None:
            async with gate:
                t0 = time.perf_counter()
                needs = entry.venue == "bhex" and entry.kind == MoveKind.WITHDRAW.value
                await mover.submit(entry, trade_password=password if needs else None)
                latencies.append((time.perf_counter() - t0) * 1000)

        await asyncio.gather(*(one(e) for e in entries))
        rounds = 0
        while rounds < max_rounds:
            pending = [e for e in journal.entries([EntryState.UNKNOWN])
                       if e.settlement is not Settlement.NONE]
            if not pending:
                break
            rounds += 1
            await mover.settle_all(trade_password=password)
        # NONE entries: gather evidence once more (never resent).
        await mover.settle_all(trade_password=password)
        result = compare(sandbox, journal.entries())
        result.latencies_ms = latencies
        result.settle_rounds = rounds
        result.seconds = time.perf_counter() - started
        return result
    finally:
        journal.close()
        await session.aclose()
        sandbox.close()
        if tmp is not None:
            tmp.cleanup()


def main() -> None:
    """Parse arguments, run the soak, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--drop", type=float, default=0.25, help="commit-then-drop rate")  # float-ok
    parser.add_argument("--error", type=float, default=0.10, help="HTTP 500 rate")  # float-ok
    parser.add_argument("--processes", type=int, default=0,
                        help="run the process soak with this many concurrent CLI processes")
    parser.add_argument("--transfers", type=int, default=40, help="process soak: transfers")
    parser.add_argument("--latency-ms", type=int, default=300, help="process soak: latency")
    parser.add_argument("--kill-share", type=float, default=0.3,  # float-ok
                        help="process soak: share of transfer processes SIGKILLed")
    parser.add_argument("--seed", type=int, default=None, help="process soak: random seed")
    args = parser.parse_args()
    if args.processes:
        from soak_processes import print_result, run_process_soak

        drop = args.drop if "--drop" in sys.argv else 0.3  # float-ok
        found = run_process_soak(args.transfers, processes=args.processes,
                                 latency_ms=args.latency_ms, drop=drop,
                                 kill_share=args.kill_share, seed=args.seed)
        print_result(found, processes=args.processes, latency_ms=args.latency_ms, drop=drop,
                     kill_share=args.kill_share)
        return
    r = asyncio.run(run_soak(args.requests, drop_rate=args.drop, error_rate=args.error))
    print(f"faults: commit-then-drop {args.drop:.0%} of writes, HTTP 500 {args.error:.0%} of "
          f"requests (fcoin, bitunix, bhex)")
    print(f"requests            {r.requests}")
    print(f"applied             {r.applied}")
    print(f"duplicated          {r.duplicated}")
    print(f"lost                {r.lost}")
    print(f"not applied         {r.not_applied}  (refused before acting; journal REJECTED or "
          f"UNKNOWN for the operator)")
    print(f"left for operator   {r.left_for_operator}  (settlement NONE, outcome unknown)")
    print(f"journal states      {dict(sorted(r.states.items()))}")
    for settlement, counts in sorted(r.by_settlement.items()):
        print(f"  {settlement:<7} state/ledger-count {dict(sorted(counts.items()))}")
    print(f"settle rounds       {r.settle_rounds}")
    print(f"send latency        p50 {r.percentile(50):.1f} ms, p99 {r.percentile(99):.1f} ms")
    print(f"wall time           {r.seconds:.1f} s")
    for problem in r.problems:
        print(f"PROBLEM: {problem}")


if __name__ == "__main__":
    main()
