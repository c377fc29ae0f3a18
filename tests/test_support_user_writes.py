"""The support desk's journaled writes beyond the status flag, against the demo sandbox:
KYC, invite relation, login and trade passwords, GA binding and registration. Each is
journaled (with the operator) before it is sent and changes the sandbox's org; no password,
password MD5 or GA key ever reaches the journal file or the approvals store; a lost reply is
settled by lookup while the secret is held and is never resent without it; the approvals
policy names each write by its action; the CLI confirms with what changes."""

from __future__ import annotations

import hashlib
import json

import pyotp
import pytest
from click.testing import CliRunner
from demo_env import demo_journal
from pydantic import SecretStr

from tui.cli import main
from tui.journal import EntryState, Journal, Mover
from tui.journal.dispatch import settlement_for
from tui.sandbox.bhex_org import OrgDirectory
from tui.sandbox.profiles import DEFAULT_SEED
from tui.support import held_secrets
from tui.support.user_requests import (GaBindRequest, InviteRelationRequest, KycChange,
                                       KycUpdateRequest, LoginPasswordRequest,
                                       RegisterRequest, TradePasswordRequest, current_kyc)
from tui.support.writes import new_key

PROFILE = "bhex-demo"
DEMO = ["--demo", "--profile", PROFILE]
ORG = OrgDirectory(20_000, DEFAULT_SEED)
NEW_PASSWORD = "Corr3ct-horse-battery"


def _user(predicate, start: int = 200):
    for position in range(start, 19_000):
        user = ORG.user(position)
        if predicate(user):
            return user
    raise AssertionError("no such user")


@pytest.fixture
async def setup(tmp_path):
    async with demo_journal(tmp_path) as (session, journal, mover):
        yield session, journal, mover, tmp_path


async def _send(mover: Mover, session, request, **secrets):
    held_secrets.hold(request.client_key, **secrets)
    adapter = session.adapter(PROFILE)
    entry = mover.approve(mover.record(request, settlement_for(adapter, request)))
    return await mover.submit(entry)


def _no_secret_in(path, *secrets: str) -> None:
    data = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    for secret in secrets:
        assert secret.encode() not in data, secret


def _common(request_cls, user_id: str, **fields):
    return request_cls(profile=PROFILE, client_key=new_key("t"), user_id=user_id,
                       operator="ann", **fields)


async def test_trade_password_reset_journals_no_secret_and_takes_effect(setup) -> None:
    session, journal, mover, tmp = setup
    user = _user(lambda u: u.trade_pwd_md5 is not None)
    adapter = session.adapter(PROFILE)
    request = _common(TradePasswordRequest, user.user_id, set_type=2)
    entry = await _send(mover, session, request, password=SecretStr(NEW_PASSWORD))
    assert entry.state is EntryState.ACCEPTED, entry.last_error
    assert await adapter.user_valid_trade_password(user.user_id, SecretStr(NEW_PASSWORD))
    assert held_secrets.held(request.client_key, "password") is None  # forgotten once sent
    journal.close()
    digest = hashlib.md5(NEW_PASSWORD.encode()).hexdigest()
    _no_secret_in(tmp / "journal.sqlite", NEW_PASSWORD, digest)
    again = Journal(tmp / "journal.sqlite").get(entry.id)
    assert again.request.operator == "ann" and again.request.password == held_secrets.REDACTED


async def test_lost_password_reply_is_settled_by_lookup_while_held(setup) -> None:
    session, journal, mover, _ = setup
    user = _user(lambda u: u.login_pwd_md5 is not None and u.flags["USER_STATUS"] == 1)
    request = _common(LoginPasswordRequest, user.user_id)
    session.sandbox.faults.configure("bhex", drop_rate=1.0)
    entry = await _send(mover, session, request, password=SecretStr(NEW_PASSWORD))
    session.sandbox.faults.configure("bhex")
    assert entry.state is EntryState.UNKNOWN
    settled = await mover.settle(entry)
    assert settled.state is EntryState.ACCEPTED, settled.note
    assert "user/login succeeds" in settled.receipt.evidence


async def test_lost_reply_without_the_secret_is_never_resent(setup) -> None:
    session, journal, mover, _ = setup
    user = _user(lambda u: u.trade_pwd_md5 is not None, start=300)
    request = _common(TradePasswordRequest, user.user_id, set_type=2)
    session.sandbox.faults.configure("bhex", drop_rate=1.0)
    entry = await _send(mover, session, request, password=SecretStr(NEW_PASSWORD))
    session.sandbox.faults.configure("bhex")
    held_secrets.release(request.client_key)  # as if this process had ended
    settled = await mover.settle(entry)
    assert settled.state is EntryState.UNKNOWN
    assert "held only in the memory" in settled.note and settled.attempts == 1
    assert "users verify-trade-password" in settled.note  # what the operator checks


async def test_send_without_the_secret_sends_nothing(setup) -> None:
    session, journal, mover, _ = setup
    user = _user(lambda u: u.trade_pwd_md5 is not None, start=400)
    request = _common(TradePasswordRequest, user.user_id, set_type=2)
    entry = await _send(mover, session, request)
    assert entry.state is EntryState.REJECTED and "nothing was sent" in entry.last_error
    assert not await session.adapter(PROFILE).user_valid_trade_password(
        user.user_id, SecretStr(NEW_PASSWORD))


async def test_kyc_update_shows_the_diff_and_reads_back(setup) -> None:
    session, journal, mover, _ = setup
    user = _user(lambda u: u.verify_status == 1 and u.country_code == "GB")
    adapter = session.adapter(PROFILE)
    before = await current_kyc(adapter, user.user_id)
    new = {**before, "verify_status": 2, "card_type": 3, "card_no": "P7788"}
    change = KycChange(user_id=user.user_id, new=new, before=before)
    request = _common(KycUpdateRequest, user.user_id, changes=(change,))
    summary = dict(request.summary())
    assert summary["  verify_status"] == "1 (under review) -> 2 (approved)"
    assert summary["  card_no"] == f"{user.card_no} -> P7788"
    assert "  country_code" not in summary  # unchanged fields are not listed
    entry = await _send(mover, session, request)
    assert entry.state is EntryState.ACCEPTED, entry.last_error
    after = await current_kyc(adapter, user.user_id)
    assert after["verify_status"] == 2 and after["card_no"] == "P7788"
    assert await request.look_up(adapter) is not None


async def test_kyc_batch_partial_failure_names_the_rows(setup) -> None:
    session, journal, mover, _ = setup
    adapter = session.adapter(PROFILE)
    a, b = _user(lambda u: u.verify_status == 0), _user(lambda u: u.verify_status == 3)
    new = {"country_code": "SG", "first_name": "Mei", "last_name": "Tan", "card_type": 1,
           "card_no": "S1234567A", "verify_status": 2}
    changes = (KycChange(user_id=a.user_id, new=new), KycChange(user_id=b.user_id, new=new))
    request = _common(KycUpdateRequest, session.profile(PROFILE).user_id, changes=changes,
                      batch=True, source="kyc.csv")
    summary = request.summary()
    assert ("users", "2 from kyc.csv") in summary
    entry = await _send(mover, session, request)
    assert entry.state is EntryState.ACCEPTED and entry.receipt.venue_status == "2 of 2 updated"
    assert (await current_kyc(adapter, a.user_id))["card_no"] == "S1234567A"


async def test_invite_relation_and_lookup(setup) -> None:
    session, journal, mover, _ = setup
    user = _user(lambda u: u.invite_index is None)
    inviter = _user(lambda u: u.user_id != user.user_id, start=250)
    request = _common(InviteRelationRequest, user.user_id, invite_user_id=inviter.user_id)
    assert ("inviter becomes", inviter.user_id) in request.summary()
    entry = await _send(mover, session, request)
    assert entry.state is EntryState.ACCEPTED, entry.last_error
    base = await session.adapter(PROFILE).user_get_base_info(user.user_id)
    assert base["inviteUserId"] == inviter.user_id
    again = _common(InviteRelationRequest, user.user_id, invite_user_id=inviter.user_id)
    refused = await _send(mover, session, again)
    assert refused.state is EntryState.REJECTED  # only a missing relation is rebuilt


async def test_ga_bind_with_the_new_key_then_lookup(setup, tmp_path) -> None:
    session, journal, mover, tmp = setup
    user = _user(lambda u: u.ga_seed is None)
    adapter = session.adapter(PROFILE)
    issued = await adapter.user_get_ga_key(user.user_id)
    key = issued["secretKey"]
    code = pyotp.TOTP(key.get_secret_value()).at(session.sandbox.services["bhex"].now_ms() // 1000)
    request = _common(GaBindRequest, user.user_id, previously_bound=False)
    entry = await _send(mover, session, request, ga_key=key, ga_code=SecretStr(code))
    assert entry.state is EntryState.ACCEPTED, entry.last_error
    assert (await adapter.user_get_base_info(user.user_id))["bindGA"] is True
    assert await request.look_up(adapter) is not None  # bindGA was false before
    journal.close()
    _no_secret_in(tmp / "journal.sqlite", key.get_secret_value())


async def test_register_by_email_and_find_it_by_lookup(setup) -> None:
    session, journal, mover, _ = setup
    now = session.sandbox.services["bhex"].now_ms()
    request = RegisterRequest(profile=PROFILE, client_key=new_key("t"), operator="ann",
                              email="newcomer@coinsole.test", password=held_secrets.REDACTED,
                              asked_ms=now)
    entry = await _send(mover, session, request, password=SecretStr(NEW_PASSWORD))
    assert entry.state is EntryState.ACCEPTED, entry.last_error
    found = await request.look_up(session.adapter(PROFILE))
    assert found is not None and found.venue_ref == entry.venue_ref


def test_register_takes_one_way_to_name_the_user() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        RegisterRequest(profile=PROFILE, client_key="k", operator="a", email="a@b.c",
                        mobile="1380000", national_code="86", asked_ms=0)
    with pytest.raises(ValueError, match="national code"):
        RegisterRequest(profile=PROFILE, client_key="k", operator="a", mobile="1380000",
                        asked_ms=0)


def test_policy_names_each_write_by_its_action(tmp_path) -> None:
    from tui.approvals.policy import Context, evaluate, load_policy
    from tui.approvals.service import request_for

    policy = load_policy('[[rule]]\nname = "passwords"\naction = ["login_password", '
                         '"trade_password", "ga_bind"]\noutcome = "block"\nreason = "by phone '
                         'only"\n[[rule]]\nname = "kyc"\naction = "kyc"\noutcome = "approve"\n'
                         'quorum = "1 of support"\n[operators.ann]\npublic_key = "' + "11" * 32
                         + '"\ngroups = ["support"]\n[[rule]]\noutcome = "allow"\n')
    uid = "400000000000007919"
    cases = [
        (_common(LoginPasswordRequest, uid), "login_password", "block"),
        (_common(TradePasswordRequest, uid, set_type=1), "trade_password", "block"),
        (_common(GaBindRequest, uid, previously_bound=True), "ga_bind", "block"),
        (_common(InviteRelationRequest, uid, invite_user_id="1"), "invite_relation", "allow"),
        (_common(KycUpdateRequest, uid, changes=(KycChange(user_id=uid, new={
            "country_code": "CN", "first_name": "张三", "card_no": "1", "card_type": 1,
            "verify_status": 2}),)), "kyc", "approve"),
    ]
    for request, action, outcome in cases:
        req = request_for(request, "ann")
        assert req.action == action and req.destination == f"uid:{uid}"
        assert evaluate(policy, req, Context(0)).outcome == outcome, action
        assert "Corr3ct" not in json.dumps(req.params)


async def test_held_for_approval_keeps_no_secret(setup, monkeypatch) -> None:
    """A password write the policy holds is journaled PENDING_APPROVAL and proposed; the
    approvals store and the journal hold the redacted marker only."""
    import os
    from pathlib import Path

    from approvals_world import KEYS, key
    from tui.approvals.service import ApprovalService, load_policy_file
    from tui.approvals.store_factory import open_store

    session, journal, mover, tmp = setup
    ops = "\n".join(f'[operators.{n}]\npublic_key = "{pub.hex()}"\ngroups = ["support"]\n'
                    for n, (_, pub) in KEYS.items())
    policy = tmp / "policy.toml"
    policy.write_text(ops + '[[rule]]\nname = "resets"\naction = "login_password"\n'
                      'outcome = "approve"\nquorum = "2 of support"\n'
                      '[[rule]]\noutcome = "allow"\n', encoding="utf-8")
    monkeypatch.setenv("COINSOLE_POLICY", str(policy))
    service = ApprovalService(load_policy_file(), open_store(), operator=key("ann"),
                              journal=journal)
    request = _common(LoginPasswordRequest, _user(lambda u: True, start=900).user_id)
    held_secrets.hold(request.client_key, password=SecretStr(NEW_PASSWORD))
    try:
        adapter = session.adapter(PROFILE)
        entry = service.gate(mover, request, settlement_for(adapter, request))
        assert entry is not None and entry.state is EntryState.PENDING_APPROVAL
    finally:
        held_secrets.release(request.client_key)
        service.close()
    journal.close()
    digest = hashlib.md5(NEW_PASSWORD.encode()).hexdigest()
    home = Path(os.environ["COINSOLE_HOME"])
    for path in [*home.rglob("*"), *tmp.rglob("*")]:
        if path.is_file():
            data = path.read_bytes()
            assert NEW_PASSWORD.encode() not in data and digest.encode() not in data, path
    assert any(p.is_file() for p in home.rglob("*"))  # the store was written somewhere


# -- the CLI ---------------------------------------------------------------------------


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def test_cli_reset_trade_password_confirms_and_never_prints_it() -> None:
    user = _user(lambda u: u.trade_pwd_md5 is None, start=500)
    declined = run("users", "reset-trade-password", user.user_id, *DEMO,
                   input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\nn\n")
    assert declined.exit_code == 1 and "nothing was sent" in declined.output
    assert "set (the user has none)" in declined.output
    done = run("users", "reset-trade-password", user.user_id, *DEMO, "--yes",
               input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert done.exit_code == 0, done.output
    assert "accepted (trade password set)" in done.output
    for result in (declined, done):
        assert NEW_PASSWORD not in result.output
        assert hashlib.md5(NEW_PASSWORD.encode()).hexdigest() not in result.output


def test_cli_reset_password_mismatch_sends_nothing() -> None:
    user = _user(lambda u: True, start=600)
    result = run("users", "reset-password", user.user_id, *DEMO, "--yes",
                 input="one\ntwo\none\none\n")
    assert "do not match" in result.output
    assert result.exit_code == 0 and "accepted (login password reset)" in result.output


def test_cli_kyc_set_shows_the_diff() -> None:
    user = _user(lambda u: u.verify_status == 1, start=700)
    result = run("users", "kyc", user.user_id, *DEMO, "--set", "verify_status=2",
                 "--set", "card_type=3", input="y\n")
    assert result.exit_code == 0, result.output
    assert "verify_status  1 (under review) -> 2 (approved)" in result.output
    assert "KYC approved" in result.output
    bad = run("users", "kyc", user.user_id, *DEMO, "--set", "colour=red")
    assert bad.exit_code == 2 and "--set takes FIELD=VALUE" in bad.output


def test_cli_rebuild_invite_refuses_an_invited_user() -> None:
    user = _user(lambda u: u.invite_index is not None)
    result = run("users", "rebuild-invite", user.user_id, "--inviter", "400000000001583800",
                 *DEMO, "--yes")
    assert result.exit_code == 2 and "already invited" in result.output


def test_cli_register_prints_the_new_user() -> None:
    result = run("users", "register", "--mobile", "13912345678", "--national-code", "+86",
                 *DEMO, "--yes")
    assert result.exit_code == 0, result.output
    assert "new user " in result.output
    bad = run("users", "register", "--mobile", "13912345678", *DEMO, "--yes")
    assert bad.exit_code == 2 and "national code" in bad.output


def test_cli_bind_ga_shows_the_key_once_and_binds(monkeypatch) -> None:
    fixed = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    monkeypatch.setattr("tui.sandbox.bhex_users.pyotp.random_base32", lambda _n=32: fixed)
    user = _user(lambda u: u.ga_seed is None, start=800)
    # The demo sandbox's clock is real time.
    code = pyotp.TOTP(fixed).now()
    result = run("users", "bind-ga", user.user_id, *DEMO, "--yes", input=f"{code}\n")
    assert result.exit_code == 0, result.output
    assert result.output.count(fixed) == 1 and "accepted (GA bound)" in result.output
    wrong = run("users", "bind-ga", user.user_id, *DEMO, "--yes", input="12345\n")
    assert wrong.exit_code == 2 and "six digits" in wrong.output


async def _lost_then_settled(session, mover, request, **secrets):
    session.sandbox.faults.configure("bhex", drop_rate=1.0)
    entry = await _send(mover, session, request, **secrets)
    session.sandbox.faults.configure("bhex")
    assert entry.state is EntryState.UNKNOWN
    settled = await mover.settle(entry)
    assert settled.state is EntryState.ACCEPTED, settled.note
    assert settled.attempts == 1  # found by lookup, never resent
    return settled


async def test_lost_replies_of_kyc_invite_ga_and_register_settle_by_lookup(setup) -> None:
    session, journal, mover, _ = setup
    adapter = session.adapter(PROFILE)
    user = _user(lambda u: u.verify_status == 2 and u.invite_index is None
                 and u.ga_seed is None, start=1200)
    before = await current_kyc(adapter, user.user_id)
    change = KycChange(user_id=user.user_id, new={**before, "verify_status": 3,
                                                   "card_type": 2}, before=before)
    settled = await _lost_then_settled(session, mover, _common(
        KycUpdateRequest, user.user_id, changes=(change,)))
    assert "show the new KYC for 1 of 1" in settled.receipt.evidence
    inviter = _user(lambda u: u.user_id != user.user_id, start=1300)
    settled = await _lost_then_settled(session, mover, _common(
        InviteRelationRequest, user.user_id, invite_user_id=inviter.user_id))
    assert inviter.user_id in settled.receipt.evidence
    issued = await adapter.user_get_ga_key(user.user_id)
    code = pyotp.TOTP(issued["secretKey"].get_secret_value()).at(
        session.sandbox.services["bhex"].now_ms() // 1000)
    settled = await _lost_then_settled(
        session, mover, _common(GaBindRequest, user.user_id, previously_bound=False),
        ga_key=issued["secretKey"], ga_code=SecretStr(code))
    assert "valid_gacode accepts" in settled.receipt.evidence
    register = RegisterRequest(profile=PROFILE, client_key=new_key("t"), operator="ann",
                               mobile="13700001111", national_code="86",
                               asked_ms=session.sandbox.services["bhex"].now_ms())
    settled = await _lost_then_settled(session, mover, register)
    assert settled.venue_ref and "+86 13700001111" in settled.receipt.evidence
