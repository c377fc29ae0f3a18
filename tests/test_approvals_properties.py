"""Property tests (hypothesis) of policy evaluation against small reference models written
here independently of tui/approvals/policy.py and quorum.py:

- first match wins over random ordered rule lists (action, profile, venue, coin, amount bounds,
  allow-lists, initiator groups): the deciding rule is the first one whose every
  condition holds, and no match blocks;
- share of the available balance exact at its boundary;
- velocity windows exact at both boundaries: in time (an item exactly ``window`` old is
  out, one millisecond younger is in, a future one is out) and in amount (used + amount
  equal to the maximum passes, one unit more is over);
- quorum over random AND/OR expressions and random group memberships, against a brute
  force assignment of approvers to terms (each approver fills one term of an alternative);
- self-approval: the initiator's valid signature never counts unless the rule allows it;
- lint: a rule reported as shadowed really is (every request it matches, the earlier rule
  matches too).
"""

from __future__ import annotations

from decimal import Decimal
from itertools import product

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.approvals import operators
from tui.approvals.canonical import request_hash
from tui.approvals.policy import (
    Context,
    HistoryItem,
    Request,
    evaluate,
    load_policy,
    match,
    parse_quorum,
)
from tui.approvals.policy_lint import check_policy
from tui.approvals.quorum import check, quorum_met

NAMES = ("ann", "bob", "cat", "dan", "eve")
KEYS = {n: operators.generate() for n in NAMES}
GROUPS = ("treasury", "risk", "ops")
ACTIONS = ("transfer", "withdraw", "internal_transfer")
COINS = ("USDT", "BTC")
DESTS = ("addr1", "addr2", "addr3")
amounts = st.integers(min_value=0, max_value=20).map(lambda n: Decimal(n) / 2)


def operators_text(groups: dict[str, set[str]] | None = None) -> str:
    ops = "\n".join(f'[operators.{n}]\npublic_key = "{pub.hex()}"' for n, (_, pub) in KEYS.items())
    groups = groups if groups is not None else {"treasury": {"ann", "bob", "cat"},
                                                "risk": {"dan", "eve"}, "ops": {"ann", "dan"}}
    members = "\n".join(f"{g} = {sorted(m)!r}".replace("'", '"') for g, m in groups.items())
    return f"{ops}\n[groups]\n{members}\n"


# -- first match wins ------------------------------------------------------------------


rule_st = st.fixed_dictionaries({}, optional={
    "profile": st.lists(st.sampled_from(("p1", "p2")), min_size=1, max_size=2, unique=True),
    "venue": st.lists(st.sampled_from(("fcoin", "bhex")), min_size=1, max_size=2, unique=True),
    "action": st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=2, unique=True),
    "coin": st.lists(st.sampled_from(COINS), min_size=1, max_size=2, unique=True),
    "min_amount": amounts,
    "max_amount": amounts,
    "destination": st.lists(st.sampled_from(DESTS), min_size=1, max_size=2, unique=True),
    "destination_not_in": st.lists(st.sampled_from(DESTS), min_size=1, max_size=2, unique=True),
    "initiator": st.lists(st.sampled_from(("ann", "dan", "risk", "ops")), min_size=1,
                          max_size=2, unique=True),
})
request_st = st.builds(lambda a, p, v, c, amt, i, d: Request(a, p, v, c, amt, i, d),
                       st.sampled_from(ACTIONS), st.sampled_from(("p1", "p2")),
                       st.sampled_from(("fcoin", "bhex")), st.sampled_from(COINS), amounts,
                       st.sampled_from(NAMES), st.sampled_from(DESTS))
GROUP_OF = {"treasury": {"ann", "bob", "cat"}, "risk": {"dan", "eve"}, "ops": {"ann", "dan"}}


def toml_value(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(f'"{v}"' for v in value) + "]"
    return f'"{value}"'


def rules_text(rules: list[dict]) -> str:
    out = []
    for n, rule in enumerate(rules):
        body = "\n".join(f"{k} = {toml_value(v)}" for k, v in rule.items())
        out.append(f'[[rule]]\nname = "r{n}"\n{body}\noutcome = "{("allow", "block")[n % 2]}"\n')
    return "\n".join(out)


def reference_matches(rule: dict, r: Request) -> bool:
    """The rule's conditions, read straight from its TOML dict."""
    who = rule.get("initiator")
    return all((
        "action" not in rule or r.action in rule["action"],
        "profile" not in rule or r.profile in rule["profile"],
        "venue" not in rule or r.venue in rule["venue"],
        "coin" not in rule or r.coin in rule["coin"],
        "min_amount" not in rule or r.amount >= rule["min_amount"],
        "max_amount" not in rule or r.amount <= rule["max_amount"],
        "destination" not in rule or r.destination in rule["destination"],
        "destination_not_in" not in rule or r.destination not in rule["destination_not_in"],
        who is None or r.initiator in who or any(r.initiator in GROUP_OF.get(g, ()) for g in who),
    ))


@given(st.lists(rule_st, min_size=1, max_size=6), request_st)
@settings(max_examples=200, deadline=None)
def test_the_first_rule_whose_every_condition_holds_decides(rules, r) -> None:
    policy = load_policy(operators_text() + rules_text(rules))
    d = evaluate(policy, r, Context(0))
    first = next((n for n, rule in enumerate(rules) if reference_matches(rule, r)), None)
    if first is None:
        assert (d.rule_index, d.outcome) == (None, "block")
    else:
        assert (d.rule_index, d.rule_name) == (first, f"r{first}")
        assert d.outcome == ("allow", "block")[first % 2]


@given(st.lists(rule_st, min_size=2, max_size=5), st.lists(request_st, min_size=1, max_size=30))
@settings(max_examples=150, deadline=None)
def test_a_rule_lint_calls_shadowed_never_decides(rules, requests) -> None:
    """Lint's "shadowed by" claim is sound: every request the later rule matches, the
    earlier one matches too, so the later rule never decides."""
    text = operators_text() + rules_text(rules) + '[[rule]]\nname = "default"\noutcome = "allow"\n'
    policy = load_policy(text)
    shadowed = {p.line for p in check_policy(text) if "shadowed" in p.message}
    for rule in policy.rules:
        if rule.line not in shadowed:
            continue
        for r in requests:
            if match(rule, r, Context(0), policy)[0]:
                assert evaluate(policy, r, Context(0)).rule_name != rule.name


# -- velocity at its boundaries --------------------------------------------------------


@given(window_s=st.integers(min_value=1, max_value=10**6),
       offsets=st.lists(st.tuples(st.integers(min_value=-3, max_value=3),
                                  st.integers(min_value=1, max_value=50)),
                        min_size=1, max_size=8),
       amount=st.integers(min_value=1, max_value=50), slack=st.sampled_from((-1, 0, 1)))
@settings(max_examples=200, deadline=None)
def test_velocity_is_exact_at_both_edges_of_its_window_and_its_maximum(
        window_s, offsets, amount, slack) -> None:
    """History items sit at the window's edge (age window-3 ms .. window+3 ms) or in the
    future (negative age); an item counts when 0 <= age < window. The rule applies when
    used + amount exceeds max: max = counted + amount + slack (in units of 0.01)."""
    now = 10**12
    window_ms = window_s * 1000
    unit = Decimal("0.01")
    items, counted = [], Decimal(0)
    for n, (edge, cents) in enumerate(offsets):
        age = window_ms + edge if n % 3 else -abs(edge) - 1 if n % 6 == 0 else window_ms // 2
        value = cents * unit
        items.append(HistoryItem(now - age, "ann", "p1", "USDT", value))
        if 0 <= age < window_ms:
            counted += value
    wanted = amount * unit
    maximum = counted + wanted + slack * unit
    if maximum < 0:
        return
    policy = load_policy(operators_text() + f'''
[[rule]]
name = "vel"
velocity = {{max = "{maximum}", window = "{window_s}s"}}
outcome = "block"
[[rule]]
name = "default"
outcome = "allow"
''')
    d = evaluate(policy, Request("transfer", "p1", "fcoin", "USDT", wanted, "ann", "addr1"),
                 Context(now, history=tuple(items)))
    over = counted + wanted > maximum
    assert d.rule_name == ("vel" if over else "default")
    if over:
        assert d.velocity_used == counted
        assert d.velocity_left == max(maximum - counted, Decimal(0))


@given(share=st.integers(min_value=0, max_value=100).map(lambda n: Decimal(n) / 100),
       available=st.one_of(st.none(), st.integers(min_value=-5, max_value=10**6)
                           .map(lambda n: Decimal(n) / 100)),
       slack=st.integers(min_value=-2, max_value=2))
@settings(max_examples=200, deadline=None)
def test_share_of_the_available_balance_is_exact_at_its_boundary(share, available,
                                                                  slack) -> None:
    """``min_share`` applies when the amount is more than that share of the available
    balance (exactly: no division), or when nothing is known to be available."""
    unit = Decimal("0.0001")
    base = share * available if available is not None and available > 0 else Decimal(1)
    amount = max(base + slack * unit, Decimal(0))
    policy = load_policy(operators_text() + f'''
[[rule]]
name = "share"
min_share = "{share}"
outcome = "block"
[[rule]]
name = "default"
outcome = "allow"
''')
    d = evaluate(policy, Request("withdraw", "p1", "fcoin", "USDT", amount, "ann", "addr1"),
                 Context(0, available=available))
    nothing_available = available is None or available <= 0
    assert d.rule_name == ("share" if nothing_available or amount > share * available
                           else "default")


# -- quorum over AND/OR groups ----------------------------------------------------------


groups_st = st.fixed_dictionaries({g: st.sets(st.sampled_from(NAMES), max_size=4) for g in GROUPS})
term_st = st.tuples(st.integers(min_value=1, max_value=3), st.sampled_from(GROUPS))
quorum_st = st.lists(st.lists(term_st, min_size=1, max_size=3), min_size=1, max_size=3)


def quorum_text(alternatives) -> str:
    return " or ".join(" and ".join(f"{n} of {g}" for n, g in alt) for alt in alternatives)


def brute_force_met(groups, alternatives, approvers) -> bool:
    """Some alternative has an assignment of approvers to its terms (each approver to at
    most one term, only to a term whose group holds them) filling every term."""
    people = sorted(approvers)
    for alt in alternatives:
        for choice in product(range(-1, len(alt)), repeat=len(people)):
            filled = [0] * len(alt)
            ok = True
            for person, term in zip(people, choice):
                if term < 0:
                    continue
                if person not in groups[alt[term][1]]:
                    ok = False
                    break
                filled[term] += 1
            if ok and all(filled[t] >= alt[t][0] for t in range(len(alt))):
                return True
    return False


@given(groups_st, quorum_st, st.sets(st.sampled_from(NAMES)))
@settings(max_examples=300, deadline=None)
def test_quorum_over_and_or_groups_matches_brute_force(groups, alternatives, approvers) -> None:
    policy = load_policy(operators_text(groups))
    q = parse_quorum(quorum_text(alternatives))
    assert str(q) == quorum_text(alternatives)  # what is stored reads back the same
    assert quorum_met(policy, q, set(approvers)) == brute_force_met(groups, alternatives,
                                                                     approvers)


# -- self-approval ------------------------------------------------------------------------


@given(groups_st, quorum_st, st.sampled_from(NAMES), st.sets(st.sampled_from(NAMES)),
       st.booleans())
@settings(max_examples=200, deadline=None)
def test_the_initiators_own_approval_counts_only_when_the_rule_allows_it(
        groups, alternatives, initiator, signers, self_ok) -> None:
    policy = load_policy(operators_text(groups) + f'''
[[rule]]
outcome = "approve"
quorum = "{quorum_text(alternatives)}"
allow_self_approval = {"true" if self_ok else "false"}
''')
    r = Request("withdraw", "p1", "fcoin", "USDT", Decimal(1), initiator, "addr1")
    h = request_hash(r, "ph")
    d = evaluate(policy, r, Context(0))
    sigs = [operators.sign(KEYS[n][0], operators.Statement(h, "approve", n, 5, "ph"))
            for n in sorted(signers)]
    result = check(policy, d, sigs, request_hash=h, policy_hash="ph", initiator=initiator,
                   proposed_ms=0, now_ms=10)
    counted = set(signers) if self_ok else set(signers) - {initiator}
    assert set(result.approvers) == counted
    assert result.satisfied == brute_force_met(groups, alternatives, counted)
