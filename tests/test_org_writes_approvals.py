"""A payment write and a settings write held by the approvals policy, approved by two
operators and executed once (real journal file, real SQLite store, the demo sandbox):
the stored request is rebuilt from its kind and parameters, re-checked, and sent."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from tui.approvals import operators
from tui.approvals.identity import OperatorKey
from tui.approvals.service import ApprovalService, load_policy_file
from tui.approvals.store_sqlite import SqliteStore
from tui.demo import demo_session
from tui.journal import EntryState, Journal, Mover
from tui.org_settings.requests import TradeStatusRequest, new_key
from tui.org_writes import journal_and_send
from tui.payments.actions import settle_request
from tui.sandbox.bhex_payments import ORDER_ID_BASE

KEYS = {n: operators.generate() for n in ("ann", "bob", "cat")}
POLICY = "\n".join(f'[operators.{n}]\npublic_key = "{pub.hex()}"\ngroups = ["ops"]'
                   for n, (_, pub) in KEYS.items()) + '''
[[rule]]
name = "org writes need two"
action = ["payment_settle", "settings"]
outcome = "approve"
quorum = "2 of ops"

[[rule]]
outcome = "allow"
'''


@pytest.fixture
def world(tmp_path):
    path = tmp_path / "policy.toml"
    path.write_text(POLICY)
    session = demo_session()
    journal = Journal(tmp_path / "journal.sqlite")
    mover = Mover(session, journal, lookup_final_after_ms=0)
    stores = []

    def service(name):
        store = SqliteStore(str(tmp_path / "approvals.sqlite"))
        stores.append(store)
        return ApprovalService(load_policy_file(path), store,
                               operator=OperatorKey(name, KEYS[name][0]), journal=journal)

    yield service, mover, journal, session
    for store in stores:
        store.close()
    journal.close()
    asyncio.run(session.aclose())


def approve_and_execute(service, mover, held):
    item_id = service("ann").queue("mine")[0].id
    service("bob").approve(item_id)
    service("cat").approve(item_id)
    return asyncio.run(service("cat").execute(item_id, mover))


def test_held_settle_executes_once(world) -> None:
    service, mover, journal, session = world
    adapter = session.adapter("bhex-demo")
    order = asyncio.run(adapter.payment_order_detail(order_id=str(ORDER_ID_BASE + 6)))
    request = settle_request("bhex-demo", order, "BTC", Decimal("0.05"))
    held = asyncio.run(journal_and_send(mover, request, approvals=service("ann")))
    assert held.state is EntryState.PENDING_APPROVAL
    book = session.sandbox.services["bhex"].payments
    assert book.orders[ORDER_ID_BASE + 6]["payInfo"][0]["paidAmount"] == "0.2"
    done = approve_and_execute(service, mover, held)
    assert done.state in (EntryState.ACCEPTED, EntryState.RECONCILED)
    assert book.orders[ORDER_ID_BASE + 6]["payInfo"][0]["paidAmount"] == "0.25"
    assert journal.get(held.id).request == request


def test_held_trade_status_executes_once(world) -> None:
    service, mover, journal, session = world
    request = TradeStatusRequest(profile="bhex-demo", client_key=new_key(), symbol_id="ETHBTC",
                                 enabled=False, previous=True, operator="ann")
    held = asyncio.run(journal_and_send(mover, request, approvals=service("ann")))
    assert held.state is EntryState.PENDING_APPROVAL
    detail = service("bob").detail(service("ann").queue("mine")[0].id)
    assert detail.params["setting"] == "trade_status" and detail.hash_ok
    done = approve_and_execute(service, mover, held)
    assert done.state in (EntryState.ACCEPTED, EntryState.RECONCILED)
    assert session.sandbox.services["bhex"].settings.trade_status == {"ETHBTC": False}
