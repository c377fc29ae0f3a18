"""Policy evaluation and quorum: properties (hypothesis) and examples."""

from decimal import Decimal

from hypothesis import given, settings, strategies as st

from tui.approvals import operators
from tui.approvals.canonical import request_hash
from tui.approvals.policy import Context, HistoryItem, Request, evaluate, load_policy, parse_quorum
from tui.approvals.quorum import check, quorum_met

KEYS = {n: operators.generate() for n in ("ann", "bob", "cat", "dan", "eve")}


def policy_text(rules: str, groups='treasury = ["ann", "bob", "cat"]\nrisk = ["dan", "eve"]') -> str:
    ops = "\n".join(f'[operators.{n}]\npublic_key = "{pub.hex()}"' for n, (_, pub) in KEYS.items())
    return f"{ops}\n[groups]\n{groups}\n{rules}"


def req(amount="1", coin="USDT", initiator="ann", action="transfer", dest="addr1"):
    return Request(action, "p1", "fcoin", coin, Decimal(amount), initiator, dest)


amounts = st.decimals(min_value=0, max_value=10**6, places=8, allow_nan=False, allow_infinity=False)


@given(amounts, amounts)
@settings(max_examples=60, deadline=None)
def test_first_match_wins(threshold, amount):
    """Of two rules that both match, the first decides; when only the second matches, it does."""
    p = load_policy(policy_text(f'''
[[rule]]
name = "big"
min_amount = "{threshold}"
outcome = "block"
[[rule]]
name = "all"
outcome = "allow"
'''))
    d = evaluate(p, req(amount), Context(0))
    assert d.rule_name == ("big" if amount >= threshold else "all")
    assert d.outcome == ("block" if amount >= threshold else "allow")


@given(st.integers(min_value=1, max_value=10**7), st.integers(min_value=-2, max_value=2))
@settings(max_examples=60, deadline=None)
def test_velocity_window_boundary_is_exact(window_s, offset_ms):
    """An item exactly window old is out (window is (now-window, now]); one ms younger is in."""
    p = load_policy(policy_text(f'''
[[rule]]
name = "vel"
velocity = {{max = "100", window = "{window_s}s"}}
outcome = "block"
[[rule]]
outcome = "allow"
'''))
    now = 10**10
    age = window_s * 1000 + offset_ms
    hist = (HistoryItem(now - age, "ann", "p1", "USDT", Decimal("60")),)
    d = evaluate(p, req("50"), Context(now, history=hist))
    inside = age < window_s * 1000
    assert d.rule_name == ("vel" if inside else "rule 2")
    if inside:
        assert d.velocity_used == Decimal(60) and d.velocity_left == Decimal(40)


def test_velocity_counts_only_same_initiator_profile_coin():
    p = load_policy(policy_text('''
[[rule]]
velocity = {max = "100", window = "1h"}
outcome = "block"
[[rule]]
outcome = "allow"
'''))
    hist = (HistoryItem(1, "bob", "p1", "USDT", Decimal(90)), HistoryItem(1, "ann", "p1", "BTC", Decimal(90)),
            HistoryItem(1, "ann", "p2", "USDT", Decimal(90)))
    assert evaluate(p, req("50"), Context(1000, history=hist)).outcome == "allow"


def test_share_destination_and_initiator_group():
    p = load_policy(policy_text('''
[[rule]]
name = "share"
min_share = "0.5"
outcome = "block"
reason = "more than half the balance"
[[rule]]
name = "unknown-dest"
destination_not_in = ["addr1"]
initiator = "risk"
outcome = "approve"
quorum = "1 of treasury"
[[rule]]
outcome = "allow"
'''))
    assert evaluate(p, req("6"), Context(0, available=Decimal(10))).reason == "more than half the balance"
    assert evaluate(p, req("5"), Context(0, available=Decimal(10))).outcome == "allow"
    assert evaluate(p, req("1", dest="x", initiator="dan"), Context(0, Decimal(10))).rule_name == "unknown-dest"
    assert evaluate(p, req("1", dest="x", initiator="ann"), Context(0, Decimal(10))).outcome == "allow"


def test_no_policy_allows_all():
    assert evaluate(None, req("1"), Context(0)).outcome == "allow"


names = st.sets(st.sampled_from(sorted(KEYS)))


@given(names)
def test_quorum_and_or(approvers):
    """'2 of treasury and 1 of risk or 3 of treasury' against every subset of operators."""
    p = load_policy(policy_text(""))
    q = parse_quorum("2 of treasury and 1 of risk or 3 of treasury")
    t = approvers & {"ann", "bob", "cat"}
    r = approvers & {"dan", "eve"}
    assert quorum_met(p, q, approvers) == ((len(t) >= 2 and len(r) >= 1) or len(t) >= 3)


def test_operator_in_two_groups_counts_once_per_alternative():
    p = load_policy(policy_text("", groups='a = ["ann", "bob"]\nb = ["ann"]'))
    q = parse_quorum("1 of a and 1 of b")
    assert not quorum_met(p, q, {"ann"})
    assert quorum_met(p, q, {"ann", "bob"})


def _approve_policy(self_ok: bool):
    return load_policy(policy_text(f'''
[[rule]]
outcome = "approve"
quorum = "2 of treasury"
allow_self_approval = {"true" if self_ok else "false"}
expiry = "1h"
'''))


@given(st.booleans(), st.sets(st.sampled_from(["ann", "bob", "cat"]), min_size=1))
@settings(max_examples=30, deadline=None)
def test_self_approval_rule(self_ok, signers):
    """The initiator's own approval counts only when the rule allows self-approval."""
    p = _approve_policy(self_ok)
    r = req("1", initiator="ann")
    h = request_hash(r, "ph")
    d = evaluate(p, r, Context(0))
    sigs = [operators.sign(KEYS[n][0], operators.Statement(h, "approve", n, 5, "ph")) for n in signers]
    res = check(p, d, sigs, request_hash=h, policy_hash="ph", initiator="ann", proposed_ms=0, now_ms=10)
    counted = signers if self_ok else signers - {"ann"}
    assert res.satisfied == (len(counted) >= 2)


def test_rejection_wins_and_expiry():
    p = _approve_policy(False)
    r = req("1")
    h = request_hash(r, "ph")
    d = evaluate(p, r, Context(0))
    st_ = lambda n, dec: operators.sign(KEYS[n][0], operators.Statement(h, dec, n, 5, "ph"))
    sigs = [st_("bob", "approve"), st_("cat", "approve")]
    kw = dict(request_hash=h, policy_hash="ph", initiator="ann", proposed_ms=0)
    assert check(p, d, sigs, now_ms=10, **kw).satisfied
    assert check(p, d, sigs + [st_("dan", "reject")], now_ms=10, **kw).rejected_by == ("dan",)
    assert check(p, d, sigs + [st_("bob", "reject")], now_ms=10, **kw).reason == "rejected"
    assert check(p, d, sigs, now_ms=3_600_001, **kw).reason == "request expired"


def test_float_amounts_refused_and_canonical_hash_is_exact():
    import pytest
    from tui.approvals.policy import PolicyError
    with pytest.raises(PolicyError, match="inexact"):
        load_policy(policy_text('[[rule]]\nmin_amount = 1.5\noutcome = "allow"\n'))
    assert request_hash(req("1.50"), "ph") != request_hash(req("1.5"), "ph")  # wire text differs
    assert request_hash(req("1.5"), "ph") != request_hash(req("1.5"), "other policy")
