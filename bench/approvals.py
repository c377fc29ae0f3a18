"""Approvals bench: policy evaluations/s (target >= 20,000/s), signature verifications/s, and
the service's queue of 10,000 pending requests (what the Approvals screen opens on; the
screen's own target is <= 300 ms)."""

import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tui.approvals import operators  # noqa: E402
from tui.approvals.policy import Context, HistoryItem, Request, evaluate, load_policy  # noqa: E402

KEYS = {n: operators.generate() for n in ("ann", "bob", "cat")}
POLICY = "\n".join(f'[operators.{n}]\npublic_key = "{p.hex()}"\ngroups = ["treasury"]'
                   for n, (_, p) in KEYS.items()) + "".join(f'''
[[rule]]
name = "r{i}"
coin = "C{i}"
min_amount = "{i}"
outcome = "block"
''' for i in range(20)) + '''
[[rule]]
name = "velocity"
velocity = {max = "100000", window = "24h"}
outcome = "approve"
quorum = "2 of treasury"
[[rule]]
outcome = "allow"
'''


def main() -> None:
    p = load_policy(POLICY)
    req = Request("withdraw", "p1", "fcoin", "USDT", Decimal("12.5"), "ann", "addr")
    ctx = Context(10**9, Decimal(1000), tuple(HistoryItem(10**9 - i * 1000, "ann", "p1", "USDT", Decimal(1))
                                             for i in range(50)))
    n, t0 = 20000, time.perf_counter()  # float-ok
    for _ in range(n):
        evaluate(p, req, ctx)
    dt = time.perf_counter() - t0  # float-ok
    print(f"policy evaluations/s: {n / dt:,.0f} (22 rules, 50 history items; target >= 20,000/s)")
    s = operators.sign(KEYS["bob"][0], operators.Statement("h" * 64, "approve", "bob", 1, "p" * 64))
    n, t0 = 5000, time.perf_counter()  # float-ok
    for _ in range(n):
        operators.verify(KEYS["bob"][1], s)
    dt = time.perf_counter() - t0  # float-ok
    print(f"signature verifications/s: {n / dt:,.0f}")
    queue_bench()


def queue_bench(count: int = 10_000) -> None:
    """Time ApprovalService.queue over ``count`` pending requests in a SQLite store."""
    import tempfile

    from tui.approvals.canonical import policy_hash
    from tui.approvals.identity import OperatorKey
    from tui.approvals.service import ApprovalService, Evaluation, LoadedPolicy
    from tui.approvals.store_sqlite import SqliteStore

    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(":memory:")  # a file would only slow the 10,000 proposals
        loaded = LoadedPolicy(load_policy(POLICY), policy_hash(POLICY.encode()), Path(tmp))
        ann = ApprovalService(loaded, store, operator=OperatorKey("ann", KEYS["ann"][0]))
        for i in range(count):
            req = Request("withdraw", "p1", "fcoin", "USDT", Decimal(i + 1), "ann", f"addr{i}",
                          {"client_key": f"k{i}"})
            ann.propose(Evaluation("approve", "velocity", ("velocity",), "", "2 of treasury",
                                   False, 86_400_000, None, None, req))
        bob = ApprovalService(loaded, store, operator=OperatorKey("bob", KEYS["bob"][0]))
        for which in ("all", "waiting-for-me"):
            t0 = time.perf_counter()  # float-ok
            items = bob.queue(which)
            dt = time.perf_counter() - t0  # float-ok
            print(f"service queue({which}) of {len(items):,} pending: {dt * 1000:,.0f} ms")
        store.close()


if __name__ == "__main__":
    main()
