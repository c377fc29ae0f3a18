"""The executor against a scripted fake adapter: write before send, the outcome of a send,
each settlement strategy, recovery, reconcile, cancel and the operator's decision."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
from pydantic import SecretStr

from test_journal_fakes import FakeAdapter, FakeSession, refused
from tui.core.errors import AuthError, CoinsoleError, InvalidRequest, VenueUnavailable
from tui.core.models import AccountKind, AccountRef
from tui.core.moves import MoveKind, MoveStatus, Recipient, Settlement
from tui.journal import EntryState, IllegalTransition, Journal, Mover

S = EntryState


def _mover(adapter: FakeAdapter, tmp_path, **kwargs) -> Mover:
    # One send per submit: these tests settle what a single lost reply leaves; the mover's
    # own same-key resends are tested in test_journal_leases.py.
    kwargs.setdefault("keyed_attempts", 1)
    return Mover(FakeSession(adapter), Journal(tmp_path / "journal.sqlite"), **kwargs)


def _approved(mover: Mover, kind: MoveKind = MoveKind.TRANSFER, amount: str = "1.5"):
    fields = {
        MoveKind.TRANSFER: dict(from_account=AccountRef(kind=AccountKind.ASSET_CENTER),
                                to_account=AccountRef(kind=AccountKind.SPOT)),
        MoveKind.INTERNAL_TRANSFER: dict(recipient=Recipient(kind="uid", value="123")),
        MoveKind.WITHDRAW: dict(address="0xabc", network="ERC20"),
    }[kind]
    entry = mover.prepare(kind=kind, profile="p", coin="USDT", amount=Decimal(amount), **fields)
    assert entry.state is S.DRAFT
    return mover.approve(entry)


def run(coro):
    return asyncio.run(coro)


def test_prepare_takes_key_and_settlement_from_the_adapter(tmp_path):
    adapter = FakeAdapter(settlements={k: Settlement.LOOKUP for k in MoveKind})
    mover = _mover(adapter, tmp_path)
    entry = mover.prepare(kind=MoveKind.WITHDRAW, profile="p", coin="BTC",
                          amount=Decimal("0.00000001"), address="bc1q")
    assert entry.client_key == "key1" and entry.settlement is Settlement.LOOKUP
    assert entry.venue == "fake" and entry.request.amount == Decimal("0.00000001")


def test_the_entry_is_submitting_on_disk_when_the_adapter_is_called(tmp_path):
    seen = []
    adapter = FakeAdapter()
    mover = _mover(adapter, tmp_path)
    path = tmp_path / "journal.sqlite"

    def check(request):
        # A separate connection sees the committed row: it was on disk before the send.
        with Journal(path) as other:
            entry = other.by_key(request.client_key)
            seen.append((entry.state, entry.attempts))

    adapter.on_send = check
    entry = run(mover.submit(_approved(mover)))
    assert seen == [(S.SUBMITTING, 1)]
    assert entry.state is S.ACCEPTED and entry.venue_ref == "ref-key1"
    assert entry.receipt.arrival == Decimal("1.4")


def test_only_an_approved_entry_is_sent_and_only_once(tmp_path):
    adapter = FakeAdapter()
    mover = _mover(adapter, tmp_path)
    draft = mover.prepare(kind=MoveKind.INTERNAL_TRANSFER, profile="p", coin="USDT",
                          amount=Decimal("2"), recipient=Recipient(kind="email", value="a@b.c"))
    with pytest.raises(IllegalTransition):
        run(mover.submit(draft))
    entry = run(mover.submit(mover.approve(draft)))
    with pytest.raises(IllegalTransition):
        run(mover.submit(entry))
    assert len(adapter.sends) == 1


@pytest.mark.parametrize("exc", [refused(), InvalidRequest("fake", "bad"), AuthError("fake", "no")])
def test_a_typed_refusal_is_rejected(tmp_path, exc):
    adapter = FakeAdapter(script=[exc])
    mover = _mover(adapter, tmp_path)
    entry = run(mover.submit(_approved(mover)))
    assert entry.state is S.REJECTED and str(exc) in entry.last_error
    assert adapter.applied == []


@pytest.mark.parametrize("action", ["drop", "lost", VenueUnavailable("fake", "down"),
                                    RuntimeError("boom")])
def test_an_unknown_outcome_is_unknown(tmp_path, action):
    mover = _mover(FakeAdapter(script=[action]), tmp_path)
    entry = run(mover.submit(_approved(mover)))
    assert entry.state is S.UNKNOWN and entry.last_error


@pytest.mark.parametrize("action", ["drop", "lost"])
def test_keyed_resends_with_the_same_key_and_applies_once(tmp_path, action):
    adapter = FakeAdapter(script=[action, "drop", "ok"])
    mover = _mover(adapter, tmp_path)
    entry = run(mover.submit(_approved(mover)))
    assert entry.state is S.UNKNOWN
    entry = run(mover.settle(entry))
    assert entry.state is S.UNKNOWN and entry.attempts == 2
    entry = run(mover.settle(entry))
    assert entry.state is S.ACCEPTED and entry.attempts == 3
    assert {key for key, _ in adapter.sends} == {"key1"}
    assert adapter.applied == ["key1"]


def test_keyed_resend_needs_the_trade_password_again(tmp_path):
    adapter = FakeAdapter(script=["drop"])
    mover = _mover(adapter, tmp_path)
    entry = run(mover.submit(_approved(mover, MoveKind.WITHDRAW), trade_password=SecretStr("pw")))
    assert entry.state is S.UNKNOWN and entry.needs_password
    entry = run(mover.settle(entry))
    assert entry.state is S.UNKNOWN and "needs the trade password to resend" in entry.note
    assert len(adapter.sends) == 1
    entry = run(mover.settle(entry, trade_password=SecretStr("pw")))
    assert entry.state is S.ACCEPTED and adapter.applied == ["key1"]


def test_the_trade_password_is_never_written(tmp_path):
    adapter = FakeAdapter(script=["drop"])
    mover = _mover(adapter, tmp_path)
    entry = run(mover.submit(_approved(mover, MoveKind.WITHDRAW),
                             trade_password=SecretStr("hunter2-secret")))
    run(mover.settle(entry, trade_password=SecretStr("hunter2-secret")))
    mover.journal.close()
    for file in tmp_path.iterdir():
        assert b"hunter2-secret" not in file.read_bytes()


def test_a_refusal_of_a_resend_proves_nothing_unless_about_the_request(tmp_path):
    adapter = FakeAdapter(script=["lost", AuthError("fake", "bad signature"),
                                  InvalidRequest("fake", "Trade password incorrect"), refused()])
    mover = _mover(adapter, tmp_path)
    entry = run(mover.submit(_approved(mover)))
    assert run(mover.settle(entry)).state is S.UNKNOWN  # auth refusal of the resend
    assert run(mover.settle(entry)).state is S.UNKNOWN  # wrong password on the resend
    assert run(mover.settle(entry)).state is S.REJECTED  # the key was never taken


def _lookup_mover(tmp_path, script, **kwargs):
    adapter = FakeAdapter(settlements={k: Settlement.LOOKUP for k in MoveKind}, script=script)
    return adapter, _mover(adapter, tmp_path, **kwargs)


def test_lookup_found_is_accepted_with_the_evidence_and_never_resent(tmp_path):
    adapter, mover = _lookup_mover(tmp_path, ["drop"])
    entry = run(mover.submit(_approved(mover, MoveKind.WITHDRAW)))
    entry = run(mover.settle(entry))
    assert entry.state is S.ACCEPTED and entry.receipt.evidence == "history record"
    assert len(adapter.sends) == 1


def test_lookup_not_found_stays_unknown_for_the_operator_by_default(tmp_path):
    adapter, mover = _lookup_mover(tmp_path, ["lost"])
    entry = run(mover.submit(_approved(mover, MoveKind.WITHDRAW)))
    entry = run(mover.settle(entry))
    assert entry.state is S.UNKNOWN and "not found" in entry.note
    assert len(adapter.sends) == 1
    entry = mover.resolve(entry, "rejected", "checked the venue's site")
    assert entry.state is S.REJECTED


def test_lookup_not_found_is_rejected_when_the_history_is_authoritative(tmp_path):
    clock = [10_000_000]
    adapter, mover = _lookup_mover(tmp_path, ["lost"], lookup_final_after_ms=5_000,
                                   clock=lambda: clock[0])
    entry = run(mover.submit(_approved(mover, MoveKind.WITHDRAW)))
    clock[0] = entry.last_sent_ms + 1_000
    assert run(mover.settle(entry)).state is S.UNKNOWN  # too early to say
    clock[0] = entry.last_sent_ms + 5_000
    entry = run(mover.settle(entry))
    assert entry.state is S.REJECTED and "never applied" in entry.note
    assert len(adapter.sends) == 1


def test_lookup_match_owned_by_another_entry_is_not_taken(tmp_path):
    adapter, mover = _lookup_mover(tmp_path, ["drop"])
    entry = run(mover.submit(_approved(mover, MoveKind.WITHDRAW)))
    other = _approved(mover, MoveKind.WITHDRAW)
    mover.journal.transition(other.id, S.SUBMITTING)
    mover.journal.transition(other.id, S.ACCEPTED, venue_ref="ref-key1")
    entry = run(mover.settle(entry))
    assert entry.state is S.UNKNOWN and f"entry {other.id}" in entry.note


@pytest.mark.parametrize("action", ["drop", "lost"])
def test_none_is_never_resent_and_left_to_the_operator(tmp_path, action):
    adapter = FakeAdapter(settlements={k: Settlement.NONE for k in MoveKind}, script=[action])
    mover = _mover(adapter, tmp_path)
    entry = run(mover.submit(_approved(mover)))
    for _ in range(3):
        entry = run(mover.settle(entry))
    assert entry.state is S.UNKNOWN and len(adapter.sends) == 1
    expected = "matching venue record exists" if action == "drop" else "no matching record"
    assert expected in entry.note
    with pytest.raises(CoinsoleError, match="needs a note"):
        mover.resolve(entry, "accepted", " ")
    entry = mover.resolve(entry, "accepted", "balance moved")
    assert entry.state is S.ACCEPTED
    with pytest.raises(IllegalTransition):
        mover.resolve(entry, "rejected", "changed my mind")


def test_recover_turns_submitting_into_unknown_then_settles(tmp_path):
    adapter = FakeAdapter()
    mover = _mover(adapter, tmp_path)
    keyed = _approved(mover)
    mover.journal.transition(keyed.id, S.SUBMITTING, sending=True)  # crashed mid-flight
    adapter.applied.append(keyed.client_key)  # ... after the venue took it
    adapter.settlements = {k: Settlement.KEYED for k in MoveKind}
    fresh = Mover(FakeSession(adapter), Journal(tmp_path / "journal.sqlite"))
    settled = run(fresh.recover())
    assert [e.state for e in settled] == [S.ACCEPTED]
    assert adapter.applied == [keyed.client_key]
    history = [e.to_state for e in fresh.journal.events(keyed.id)]
    assert history == [S.DRAFT, S.APPROVED, S.SUBMITTING, S.UNKNOWN, S.SUBMITTING, S.ACCEPTED]


def test_reconcile_polls_until_final(tmp_path):
    adapter = FakeAdapter(lookup_status=MoveStatus.PENDING)
    mover = _mover(adapter, tmp_path)
    entry = run(mover.submit(_approved(mover)))
    assert entry.receipt.status is MoveStatus.PENDING
    assert run(mover.reconcile(entry)).state is S.ACCEPTED
    adapter.lookup_status = MoveStatus.DONE
    entry = run(mover.reconcile(entry, timeout_s=1, interval_s=0.01))
    assert entry.state is S.RECONCILED and entry.receipt.status is MoveStatus.DONE
    assert entry.receipt.arrival == Decimal("1.4")


def test_cancel_while_pending(tmp_path):
    adapter = FakeAdapter()
    mover = _mover(adapter, tmp_path)
    entry = run(mover.submit(_approved(mover)))
    entry = run(mover.cancel(entry))
    assert entry.state is S.RECONCILED and entry.receipt.status is MoveStatus.CANCELLED
    with pytest.raises(CoinsoleError, match="only an accepted"):
        run(mover.cancel(entry))
