"""Payment writes through the journal and the approvals policy against the demo sandbox,
and the ``coinsole payments`` commands: recorded before sending, a dropped reply settled
through ``order/detail`` without a second send, an illegal action refused locally."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from click.testing import CliRunner
from demo_env import demo_journal

from tui.cli import main
from tui.journal import EntryState, Journal
from tui.payments.actions import (IllegalPaymentAction, cancel_request, journal_and_send,
                                  refund_request, settle_request, unlock_request)
from tui.payments.requests import (PaymentCreateRequest, PaymentLine, PaymentSettleRequest,
                                   new_key)
from tui.sandbox.bhex_payments import ORDER_ID_BASE

PROFILE = "bhex-demo"
DEMO = ["--demo", "--profile", PROFILE]
PAYER = "482698709891649537"
HELD_BTC = str(ORDER_ID_BASE + 6)  # PROCESSING: PREPAY 0.5 BTC, 0.2 settled, 0.1 unlocked
PAID_USDT = str(ORDER_ID_BASE + 3)  # COMPLETED: PAY 100 USDT, 40 refunded
WAITING = str(ORDER_ID_BASE + 9)  # WAIT_FOR_PAYMENT


@pytest.fixture
async def setup(tmp_path):
    async with demo_journal(tmp_path) as (session, journal, mover):
        yield session, journal, mover, tmp_path / "journal.sqlite"


def create_request(key: str) -> PaymentCreateRequest:
    return PaymentCreateRequest(profile=PROFILE, client_key=key, payer_user_id=PAYER,
                                pay_info=(PaymentLine(pay_type="PAY", token_id="USDT",
                                                      amount=Decimal("7.25")),),
                                effective_time=600)


async def test_create_is_journaled_before_sending_and_reads_back(setup) -> None:
    session, journal, mover, path = setup
    request = create_request("jr-create-1")
    entry = mover.record(request, __import__("tui.journal.dispatch", fromlist=["x"])
                         .settlement_for(session.adapter(PROFILE), request))
    assert entry.state is EntryState.DRAFT and entry.settlement.value == "lookup"
    assert session.sandbox.services["bhex"].payments.by_client.get("jr-create-1") is None
    entry = await mover.submit(mover.approve(entry))
    assert entry.state is EntryState.ACCEPTED and entry.venue_ref
    journal.close()
    again = Journal(path).get(entry.id)
    assert again.request == request and again.kind == "payment_create"


async def test_dropped_create_settles_by_detail_and_is_not_resent(setup) -> None:
    session, _, mover, _ = setup
    box = session.sandbox
    box.faults.configure("bhex", drop_rate=1.0)  # float-ok: probability
    entry = await journal_and_send(mover, create_request("jr-drop-1"))
    assert entry.state is EntryState.UNKNOWN
    box.faults.configure("bhex")
    settled = await mover.settle(entry)
    assert settled.state is EntryState.ACCEPTED
    book = box.services["bhex"].payments
    assert settled.venue_ref == str(book.by_client["jr-drop-1"])
    assert sum(o["clientOrderId"] == "jr-drop-1" for o in book.orders.values()) == 1


async def test_dropped_settle_is_found_by_its_total(setup) -> None:
    session, _, mover, _ = setup
    adapter, box = session.adapter(PROFILE), session.sandbox
    order = await adapter.payment_order_detail(order_id=HELD_BTC)
    request = settle_request(PROFILE, order, "BTC", Decimal("0.05"))
    assert request.before == Decimal("0.2")
    box.faults.configure("bhex", drop_rate=1.0)  # float-ok: probability
    entry = await journal_and_send(mover, request)
    box.faults.configure("bhex")
    assert entry.state is EntryState.UNKNOWN
    settled = await mover.settle(entry)
    assert settled.state is EntryState.ACCEPTED
    after = await adapter.payment_order_detail(order_id=HELD_BTC)
    assert after.pay_info[0].paid_amount == Decimal("0.25")  # applied once


async def test_refused_before_acting_settles_as_rejected(setup) -> None:
    session, _, mover, _ = setup
    adapter, box = session.adapter(PROFILE), session.sandbox
    order = await adapter.payment_order_detail(order_id=HELD_BTC)
    request = unlock_request(PROFILE, order, "BTC", Decimal("0.1"))
    box.faults.configure("bhex", error_rate=1.0)  # float-ok: probability
    entry = await journal_and_send(mover, request)
    box.faults.configure("bhex")
    assert entry.state is EntryState.UNKNOWN
    settled = await mover.settle(entry)
    assert settled.state is EntryState.REJECTED  # order/detail shows nothing unlocked
    after = await adapter.payment_order_detail(order_id=HELD_BTC)
    assert after.pay_info[0].unlocked_amount == Decimal("0.1")


async def test_refund_and_cancel_through_the_journal(setup) -> None:
    session, _, mover, _ = setup
    adapter = session.adapter(PROFILE)
    paid = await adapter.payment_order_detail(order_id=PAID_USDT)
    item = paid.pay_info[0].item_id
    entry = await journal_and_send(mover, refund_request(PROFILE, paid, item, Decimal("60")))
    assert entry.state is EntryState.ACCEPTED
    with pytest.raises(IllegalPaymentAction, match="fully refunded"):
        refund_request(PROFILE, await adapter.payment_order_detail(order_id=PAID_USDT), item,
                       Decimal("0.01"))
    waiting = await adapter.payment_order_detail(order_id=WAITING)
    entry = await journal_and_send(mover, cancel_request(PROFILE, waiting))
    assert entry.state is EntryState.ACCEPTED and entry.receipt.venue_status == "CANCELLED"
    with pytest.raises(IllegalPaymentAction, match="no action"):
        cancel_request(PROFILE, await adapter.payment_order_detail(order_id=WAITING))


async def test_the_policy_holds_or_blocks_payment_writes(setup, tmp_path) -> None:
    from tui.approvals.policy import load_policy
    from tui.approvals.service import ApprovalService, LoadedPolicy, PolicyBlocked
    from tui.approvals.store_sqlite import SqliteStore

    session, journal, mover, _ = setup
    order = await session.adapter(PROFILE).payment_order_detail(order_id=HELD_BTC)
    ops = __import__("tests.approvals_world", fromlist=["x"])
    text = "\n".join(f'[operators.{n}]\npublic_key = "{pub.hex()}"\ngroups = ["ops"]\n'
                     for n, (_, pub) in ops.KEYS.items())
    text += ('[[rule]]\nname = "settles"\naction = "payment_settle"\noutcome = "approve"\n'
             'quorum = "2 of ops"\n[[rule]]\nname = "no unlocks"\naction = "payment_unlock"\n'
             'outcome = "block"\nreason = "frozen"\n[[rule]]\noutcome = "allow"\n')
    service = ApprovalService(LoadedPolicy(load_policy(text), "h" * 64, tmp_path / "p.toml",
                                           text), SqliteStore(tmp_path / "a.sqlite"), me="ann",
                              journal=journal)
    try:
        held = await journal_and_send(mover, settle_request(PROFILE, order, "BTC",
                                                            Decimal("0.1")), approvals=service)
        assert held.state is EntryState.PENDING_APPROVAL
        with pytest.raises(PolicyBlocked, match="frozen"):
            await journal_and_send(mover, unlock_request(PROFILE, order, "BTC", Decimal("0.1")),
                                   approvals=service)
        assert [e.kind for e in journal.entries()] == ["payment_settle"]
    finally:
        service.close()
    after = await session.adapter(PROFILE).payment_order_detail(order_id=HELD_BTC)
    assert after.pay_info[0].paid_amount == Decimal("0.2")  # nothing sent


def test_requests_refuse_bad_input() -> None:
    with pytest.raises(ValueError, match="PAY lines only"):
        PaymentCreateRequest(profile="p", client_key="k1", payer_user_id="1",
                             pay_info=(PaymentLine(pay_type="PREPAY", token_id="BTC",
                                                   amount=Decimal("1")),),
                             product_info=(PaymentLine(pay_type="PAY", token_id="BTC",
                                                       amount=Decimal("1")),),
                             effective_time=1)
    with pytest.raises(ValueError, match="client_order_id"):
        create_request("has space")
    with pytest.raises(ValueError, match="above 0"):
        PaymentSettleRequest(profile="p", client_key=new_key("st"), order_id="1",
                             token_id="BTC", amount=Decimal("0"))


# -- the CLI ------------------------------------------------------------------------------


def test_cli_list_filters_and_pages() -> None:
    listed = CliRunner().invoke(main, ["payments", "list", *DEMO, "--json"])
    assert listed.exit_code == 0, listed.output
    orders = json.loads(listed.output)
    assert len(orders) == 8 and all(o["payee_user_id"] == "482698709891649536" for o in orders)
    held = json.loads(CliRunner().invoke(main, ["payments", "list", *DEMO, "--state",
                                                "processing", "--json"]).output)
    assert {o["status"] for o in held} == {"PROCESSING"} and len(held) == 2
    by_payer = json.loads(CliRunner().invoke(main, ["payments", "list", *DEMO, "--payer",
                                                    PAYER, "--json"]).output)
    assert by_payer and {o["payer_user_id"] for o in by_payer} == {PAYER}
    page = CliRunner().invoke(main, ["payments", "list", *DEMO, "--limit", "3"])
    assert "more: --from-id" in page.output
    assert page.output.count("Demo00") == 3


def test_cli_show_lists_items_and_allowed_actions() -> None:
    shown = CliRunner().invoke(main, ["payments", "show", HELD_BTC, *DEMO])
    assert shown.exit_code == 0, shown.output
    assert "settle, unlock" in shown.output and "pay items:" in shown.output
    mapping = json.loads(CliRunner().invoke(main, ["payments", "show", "Demo0004", *DEMO,
                                                   "--json"]).output)
    assert mapping["is_mapping"] and mapping["product_info"][0]["amount"] == "0.0005"
    assert mapping["actions"] == ["refund"]


def test_cli_write_confirms_and_declining_sends_nothing() -> None:
    declined = CliRunner().invoke(main, ["payments", "settle", HELD_BTC, *DEMO, "--amount",
                                         "0.05"], input="n\n")
    assert declined.exit_code == 1 and "nothing was sent" in declined.output
    assert "settle 0.05 BTC" in declined.output and "0.25 BTC" in declined.output
    done = CliRunner().invoke(main, ["payments", "unlock", HELD_BTC, *DEMO, "--amount", "0.2",
                                     "--yes"])
    assert done.exit_code == 0 and "accepted (COMPLETED)" in done.output


def test_cli_refuses_illegal_actions_locally() -> None:
    cancel = CliRunner().invoke(main, ["payments", "cancel", HELD_BTC, *DEMO, "--yes"])
    assert cancel.exit_code == 2 and "only an order the payer has not paid" in cancel.output
    refund = CliRunner().invoke(main, ["payments", "refund", HELD_BTC, *DEMO, "--item", "1",
                                       "--amount", "1", "--yes"])
    assert refund.exit_code == 2 and "nothing was sent" in refund.output
    bad = CliRunner().invoke(main, ["payments", "create", *DEMO, "--payer", PAYER, "--pay",
                                    "PAY:USDT:1e3", "--yes"])
    assert bad.exit_code == 2
    created = CliRunner().invoke(main, ["payments", "create", *DEMO, "--payer", PAYER,
                                        "--payee", "482698709891649538", "--pay",
                                        "PREPAY:BTC:0.01", "--yes", "--json"])
    assert created.exit_code == 0, created.output
    record = json.loads(created.output[created.output.index("{"):])
    assert record["kind"] == "payment_create" and record["venue_ref"]


async def test_a_client_order_id_is_journaled_once(setup) -> None:
    from tui.core.errors import CoinsoleError

    session, journal, mover, _ = setup
    first = await journal_and_send(mover, create_request("jr-once-1"))
    assert first.state is EntryState.ACCEPTED
    with pytest.raises(CoinsoleError, match="already in the journal"):
        await journal_and_send(mover, create_request("jr-once-1"))
    book = session.sandbox.services["bhex"].payments
    assert sum(o["clientOrderId"] == "jr-once-1" for o in book.orders.values()) == 1
    assert len(journal.entries()) == 1
