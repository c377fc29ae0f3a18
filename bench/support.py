"""Support desk bench (issue 14): index sync rate, search latency at 1,000,000 indexed
users, and the user card's time to fully loaded with every venue call 100 ms late.

    PYTHONPATH=. python bench/support.py [--sync-users 50000] [--index-users 1000000]

1. **sync**: ``users sync`` against the sandbox served by uvicorn on loopback (real HTTP),
   an org of ``--sync-users`` users: users/s (user rows + KYC rows).
2. **search**: ``--index-users`` users of the sandbox org loaded into a file index, then
   1,000 searches each of uid, mobile (with and without national code) and email
   prefixes of 3-12 characters: p50/p99 in ms (target p99 <= 20 ms).
3. **card**: the demo user's card over loopback with the sandbox answering every call
   (BHEX and ChainUp) 100 ms late: time to fully loaded, median of 5 (target <= 350 ms;
   serial would take one latency per call, printed). The card lists the key's own user's
   sub-accounts (a second round: ``sub_account/query``, then each account's balance) and
   the user's ChainUp rows (one ``batchQueryUserAccountsByUpdateTime`` to bring the
   already pulled org snapshot up to date).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tui.sandbox import DEMO_PROFILES, Sandbox  # noqa: E402
from tui.sandbox.bhex_org import OrgDirectory  # noqa: E402
from tui.sandbox.limits import RateLimiter  # noqa: E402
from tui.sandbox.server import bind, make_server, socket_url  # noqa: E402
from tui.support.card import PARTS, PartState, load_card  # noqa: E402
from tui.support.user_index import UserIndex  # noqa: E402
from tui.support.user_sync import sync_users  # noqa: E402
from tui.venues.base import Credentials, RetryPolicy, VenueSettings  # noqa: E402
from tui.venues.bhex import BhexVenue  # noqa: E402
from tui.venues.chainup import ChainupVenue  # noqa: E402

BHEX = next(p for p in DEMO_PROFILES if p.venue == "bhex")
CHAINUP = next(p for p in DEMO_PROFILES if p.venue == "chainup")


class Served:
    """A sandbox served by uvicorn on a loopback port in a background thread."""

    def __init__(self, box: Sandbox) -> None:
        self.sock = bind("127.0.0.1", 0)
        self.server = make_server(box.app)
        self.thread = threading.Thread(target=self.server.run,
                                       kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.01)  # float-ok: seconds
        return socket_url(self.sock)

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


def _venue(url: str) -> BhexVenue:
    return BhexVenue(VenueSettings(profile="bench", base_url=url + "/bhex",
                                   user_id=BHEX.user_id, rate_limit=(100_000, 1.0),
                                   retry=RetryPolicy(attempts=1, base_delay=0, max_delay=0)),
                     Credentials(BHEX.api_key, BHEX.secret))


def bench_sync(users: int) -> None:
    box = Sandbox(bhex_users=users)
    box.services["bhex"].limiter = RateLimiter(10_000_000, 1, box.clock)
    with Served(box) as url, tempfile.TemporaryDirectory() as tmp:
        async def run() -> tuple[float, int, int]:  # float-ok: seconds
            venue = _venue(url)
            index = UserIndex.open("bench", Path(tmp) / "users-bench.sqlite")
            try:
                started = time.perf_counter()  # float-ok
                report = await sync_users(index, venue)
                return time.perf_counter() - started, report.users, report.kyc  # float-ok
            finally:
                index.close()
                await venue.aclose()

        took, rows, kyc = asyncio.run(run())
    box.close()
    print(f"sync: {rows:,} users + {kyc:,} KYC rows in {took:.2f} s over loopback HTTP = "
          f"{rows / took:,.0f} users/s ({(rows + kyc) / took:,.0f} rows/s)")


def _percentiles(samples: list[float]) -> tuple[float, float]:  # float-ok: ms
    ordered = sorted(samples)
    return (statistics.median(ordered), ordered[min(len(ordered) - 1,
                                                    int(len(ordered) * 0.99))])


def bench_search(users: int) -> None:
    org = OrgDirectory(users, 20261125)
    with tempfile.TemporaryDirectory() as tmp:
        index = UserIndex.open("bench", Path(tmp) / "users-bench.sqlite")
        started = time.perf_counter()  # float-ok
        chunk = 50_000
        for low in range(0, users, chunk):
            index.bulk_load((u.user_id, u.national_code, u.mobile, u.email, u.verify_status,
                             u.register_date)
                            for u in (org.user(p) for p in range(low, min(users, low + chunk))))
        load = time.perf_counter() - started  # float-ok
        print(f"search: indexed {index.count():,} users in {load:.1f} s "
              f"({users / load:,.0f} users/s bulk load)")
        rng = random.Random(7)
        picks = [org.user(rng.randrange(users)) for _ in range(3_000)]
        kinds = {
            "uid prefix": [u.user_id[:rng.randint(3, 18)] for u in picks[:1000]],
            "mobile prefix": [u.mobile[:rng.randint(3, 11)] for u in picks if u.mobile][:1000],
            "+code mobile": [f"+{u.national_code} {u.mobile[:rng.randint(3, 11)]}"
                             for u in picks if u.mobile][:1000],
            "email prefix": [u.email[:rng.randint(3, 12)] for u in picks if u.email][:1000],
            "exact uid": [u.user_id for u in picks[:1000]],
        }
        for kind, queries in kinds.items():
            times = []
            hits = 0
            for query in queries:
                t0 = time.perf_counter()  # float-ok
                found = index.search(query, 20)
                times.append((time.perf_counter() - t0) * 1000)  # float-ok
                hits += bool(found)
            p50, p99 = _percentiles(times)
            verdict = "meets" if p99 <= 20 else "MISSES"
            print(f"search {kind:<14} p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  "
                  f"({len(queries)} queries, {hits} with results; {verdict} p99 <= 20 ms, "
                  f"ratio {p99 / 20:.2f})")
        index.close()


def _chainup(url: str) -> ChainupVenue:
    return ChainupVenue(VenueSettings(profile="bench-chainup", base_url=url + "/chainup",
                                      rate_limit=(100_000, 1.0),
                                      retry=RetryPolicy(attempts=1, base_delay=0, max_delay=0)),
                        Credentials(CHAINUP.api_key, CHAINUP.secret))


def bench_card(latency_ms: int = 100, rounds: int = 5) -> None:
    box = Sandbox(bhex_users=20_000)
    box.services["bhex"].limiter = RateLimiter(10_000_000, 1, box.clock)
    box.services["chainup"].limiter = RateLimiter(10_000_000, 1, box.clock)
    box.faults.configure(latency_ms=latency_ms)  # every venue: BHEX and ChainUp
    with Served(box) as url, tempfile.TemporaryDirectory() as home:
        os.environ["COINSOLE_HOME"] = home  # the ChainUp snapshot's store
        calls = 0

        async def count(request: Any) -> None:
            nonlocal calls
            calls += 1

        async def run() -> list[float]:  # float-ok: ms
            venue, chainup = _venue(url), _chainup(url)
            try:
                # Connections warm, clocks synced, the ChainUp org snapshot pulled once (as
                # the Balances screen has done before anyone opens a card).
                await venue.user_get_base_info(BHEX.user_id)
                await chainup.org_user_balances(CHAINUP.user_id)
                for adapter in (venue, chainup):  # count the card's requests from here on
                    adapter._client.event_hooks["request"].append(count)
                times = []
                for _ in range(rounds):
                    t0 = time.perf_counter()  # float-ok
                    card = await load_card(venue, BHEX.user_id, own_user_id=BHEX.user_id,
                                           chainup=[("chainup", lambda: chainup)])
                    times.append((time.perf_counter() - t0) * 1000)  # float-ok
                    failed = [p.name for p in card.parts.values()
                              if p.state is not PartState.LOADED]
                    if failed:
                        raise SystemExit(f"card parts failed: {failed}")
                return times
            finally:
                await venue.aclose()
                await chainup.aclose()

        times = asyncio.run(run())
    box.close()
    median = statistics.median(times)
    per_card = calls // rounds
    print(f"card: fully loaded in {median:.0f} ms median of {rounds} (min {min(times):.0f}, "
          f"max {max(times):.0f}; the first, with no sub-accounts remembered yet: "
          f"{times[0]:.0f}) with every call {latency_ms} ms late; {len(PARTS)} parts "
          f"(sub-accounts and the ChainUp snapshot included), ~{per_card} calls per card "
          f"(serial: >= {per_card * latency_ms} ms); target <= 350 ms, "
          f"ratio {median / 350:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sync-users", type=int, default=50_000)
    parser.add_argument("--index-users", type=int, default=1_000_000)
    parser.add_argument("--only", choices=("sync", "search", "card"))
    args = parser.parse_args()
    if args.only in (None, "card"):
        bench_card()
    if args.only in (None, "sync"):
        bench_sync(args.sync_users)
    if args.only in (None, "search"):
        bench_search(args.index_users)


if __name__ == "__main__":
    main()
