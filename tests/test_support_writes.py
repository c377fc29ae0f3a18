"""Support writes through the journal against the demo sandbox: a status flag change is
journaled with who made it before it is sent, reads back from a journal file, a dropped
reply is UNKNOWN and settled by ``ext_status``; the CLI confirms with a summary of exactly
what changes and sends nothing when declined."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tui.cli import main
from tui.demo import demo_session
from tui.journal import EntryState, Journal, Mover
from tui.journal.dispatch import settlement_for
from tui.support.actions import UserStatusRequest
from tui.support.writes import status_request

PROFILE = "bhex-demo"
DEMO = ["--demo", "--profile", PROFILE]


@pytest.fixture
async def setup(tmp_path):
    session = demo_session()
    journal = Journal(tmp_path / "journal.sqlite")
    yield session, journal, Mover(session, journal), tmp_path / "journal.sqlite"
    await session.aclose()
    journal.close()


async def test_status_change_journaled_with_operator_and_read_back(setup) -> None:
    session, journal, mover, path = setup
    user = session.sandbox.bhex_org.user(300)
    request = status_request(PROFILE, user.user_id, "OTC_TRADE", 1 - user.flags["OTC_TRADE"],
                             user.flags["OTC_TRADE"])
    adapter = session.adapter(PROFILE)
    entry = mover.record(request, settlement_for(adapter, request))
    assert entry.state is EntryState.DRAFT  # on disk before anything is sent
    entry = mover.approve(entry, by=request.operator)
    entry = await mover.submit(entry)
    assert entry.state is EntryState.ACCEPTED
    flags = await adapter.user_ext_status(user.user_id, ["OTC_TRADE"])
    assert flags == {"OTC_TRADE": request.value}
    journal.close()
    again = Journal(path).get(entry.id)
    assert isinstance(again.request, UserStatusRequest)
    assert again.request.operator == request.operator and again.request.operator
    assert again.request.previous == user.flags["OTC_TRADE"]


async def test_dropped_reply_is_unknown_then_settled_by_ext_status(setup) -> None:
    session, journal, mover, _ = setup
    box = session.sandbox
    user = box.bhex_org.user(301)
    request = status_request(PROFILE, user.user_id, "MONEY_OUTFLOW",
                             1 - user.flags["MONEY_OUTFLOW"], user.flags["MONEY_OUTFLOW"])
    adapter = session.adapter(PROFILE)
    box.faults.configure("bhex", drop_rate=1.0)
    entry = mover.approve(mover.record(request, settlement_for(adapter, request)))
    entry = await mover.submit(entry)
    assert entry.state is EntryState.UNKNOWN
    box.faults.configure("bhex")
    settled = await mover.settle(entry)
    assert settled.state in (EntryState.ACCEPTED, EntryState.RECONCILED)


def test_request_refuses_bad_flags() -> None:
    with pytest.raises(ValueError):
        UserStatusRequest(profile="p", client_key="k", user_id="1", flag="NOPE", value=1,
                          operator="x")
    with pytest.raises(ValueError):
        UserStatusRequest(profile="p", client_key="k", user_id="1", flag="OTC_TRADE",
                          value=2, operator="x")


def test_cli_set_confirms_with_summary_and_declining_sends_nothing() -> None:
    from tui.sandbox.bhex_org import OrgDirectory
    from tui.sandbox.profiles import DEFAULT_SEED

    user = OrgDirectory(20_000, DEFAULT_SEED).user(400)
    value = 1 - user.flags["SPOT_TRADE"]
    declined = CliRunner().invoke(main, ["users", "status", user.user_id, *DEMO, "--set",
                                         f"SPOT_TRADE={value}"], input="n\n")
    assert declined.exit_code == 1 and "nothing was sent" in declined.output
    assert "becomes" in declined.output and f"{value} (" in declined.output
    done = CliRunner().invoke(main, ["users", "status", user.user_id, *DEMO, "--set",
                                     f"spot_trade={value}", "--yes", "--json"])
    assert done.exit_code == 0, done.output
    assert "accepted (SPOT_TRADE=" in done.output
    assert json.loads(done.output[done.output.index("{"):])["SPOT_TRADE"] == value


def test_the_approvals_policy_sees_a_status_change_as_user_status() -> None:
    from tui.approvals.policy import Context, evaluate, load_policy
    from tui.approvals.service import request_for

    policy = load_policy('[[rule]]\nname = "no status changes"\naction = "user_status"\n'
                         'outcome = "block"\nreason = "support writes are frozen"\n'
                         '[[rule]]\noutcome = "allow"\n')
    req = request_for(status_request(PROFILE, "400000000000007919", "USER_STATUS", 0, 1),
                      "ann")
    assert req.action == "user_status" and req.destination == "uid:400000000000007919"
    assert evaluate(policy, req, Context(0)).outcome == "block"
    assert evaluate(load_policy('[[rule]]\noutcome = "allow"\n'), req,
                    Context(0)).outcome == "allow"
