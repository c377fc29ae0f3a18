"""Parse policy.toml into frozen models and evaluate a request against it (pure functions).

Rules are ordered; the first rule whose every condition matches decides. A rule with no
conditions is a default. Amounts are exact Decimals (TOML strings or ints, never floats).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal

ACTIONS = frozenset({
    "transfer", "internal_transfer", "withdraw", "order_place", "order_cancel",
    "user_status", "kyc", "invite_relation", "login_password", "trade_password", "ga_bind",
    "user_register", "airdrop", "lock", "unlock", "payment_refund", "settings",
    "payment_create", "payment_settle", "payment_unlock", "payment_cancel",
})
OUTCOMES = frozenset({"allow", "block", "approve"})
DAY_MS = 24 * 3600 * 1000


class PolicyError(ValueError):
    """A policy file that cannot be used; the message names the line when known."""


@dataclass(frozen=True)
class Operator:
    """A named operator, their Ed25519 public key (raw bytes) and groups."""
    name: str
    public_key: bytes
    groups: frozenset[str]


@dataclass(frozen=True)
class Quorum:
    """An OR of alternatives; each alternative is an AND of (count, group) terms."""
    alternatives: tuple[tuple[tuple[int, str], ...], ...]

    def groups(self) -> set[str]:
        return {g for alt in self.alternatives for _, g in alt}

    def __str__(self) -> str:
        return " or ".join(" and ".join(f"{n} of {g}" for n, g in alt) for alt in self.alternatives)


@dataclass(frozen=True)
class Velocity:
    """Sum of amounts per `per` key (initiator/profile/coin) over `window_ms` may not exceed `max`."""
    max: Decimal
    window_ms: int
    per: tuple[str, ...]


@dataclass(frozen=True)
class Rule:
    """One ordered rule: conditions (None = not constrained) and an outcome."""
    name: str
    line: int
    outcome: str
    actions: frozenset[str] | None = None
    profiles: frozenset[str] | None = None
    venues: frozenset[str] | None = None
    coins: frozenset[str] | None = None
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    destinations: frozenset[str] | None = None
    destination_not_in: frozenset[str] | None = None
    initiators: frozenset[str] | None = None
    velocity: Velocity | None = None
    min_share: Decimal | None = None
    reason: str = ""
    quorum: Quorum | None = None
    allow_self_approval: bool = False
    expiry_ms: int = DAY_MS

    def unconditional(self) -> bool:
        return all(getattr(self, k) is None for k in CONDITION_KEYS)


CONDITION_KEYS = ("actions", "profiles", "venues", "coins", "min_amount", "max_amount",
                  "destinations", "destination_not_in", "initiators", "velocity", "min_share")


@dataclass(frozen=True)
class Policy:
    """Operators, groups (name -> operator names) and ordered rules."""
    operators: dict[str, Operator]
    groups: dict[str, frozenset[str]]
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Request:
    """What is asked: the fields rules match on (wire parameters live in `params`)."""
    action: str
    profile: str
    venue: str
    coin: str
    amount: Decimal
    initiator: str
    destination: str = ""
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class HistoryItem:
    """An executed or pending request counted for velocity."""
    time_ms: int
    initiator: str
    profile: str
    coin: str
    amount: Decimal


@dataclass(frozen=True)
class Context:
    """Inputs from outside the policy: now, the available balance, velocity history."""
    now_ms: int
    available: Decimal | None = None
    """The available balance; a multi-coin request may carry one per coin (a dict)."""
    history: tuple[HistoryItem, ...] = ()


@dataclass(frozen=True)
class Decision:
    """The outcome of evaluation: which rule, why, and what it needs."""
    rule_index: int | None
    rule_name: str
    outcome: str
    why: tuple[str, ...]
    quorum: Quorum | None = None
    allow_self_approval: bool = False
    expiry_ms: int = DAY_MS
    reason: str = ""
    velocity_used: Decimal | None = None
    velocity_left: Decimal | None = None


_QTERM = re.compile(r"^\s*(\d+)\s+of\s+([A-Za-z0-9_.-]+)\s*$")
_DURATION = re.compile(r"^\s*(\d+)\s*(ms|s|m|h|d)\s*$")
_UNITS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": DAY_MS}


def parse_quorum(text: str) -> Quorum:
    """Parse "2 of treasury and 1 of risk or 3 of treasury" ("and" binds tighter than "or")."""
    alts = []
    for alt in re.split(r"\s+or\s+", text.strip()):
        terms = []
        for term in re.split(r"\s+and\s+", alt):
            m = _QTERM.match(term)
            if not m or int(m.group(1)) < 1:
                raise PolicyError(f"quorum {text!r}: write terms like '2 of treasury', joined by and/or")
            terms.append((int(m.group(1)), m.group(2)))
        alts.append(tuple(terms))
    return Quorum(tuple(alts))


def parse_duration(text: str | int) -> int:
    """Parse "24h", "30m", "7d", "500ms" (or an int of seconds) into milliseconds."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text * 1000
    m = _DURATION.match(str(text))
    if not m:
        raise PolicyError(f"duration {text!r}: write e.g. '24h', '30m', '7d'")
    return int(m.group(1)) * _UNITS[m.group(2)]


def parse_amount(value, where: str) -> Decimal:
    """An exact amount from a TOML string or int; floats are refused (inexact)."""
    if isinstance(value, float):
        raise PolicyError(f"{where}: write amounts as strings (\"1.5\"), TOML floats are inexact")
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise PolicyError(f"{where}: amount must be a string or integer")
    try:
        d = Decimal(str(value).strip())
    except Exception:
        raise PolicyError(f"{where}: {value!r} is not a decimal amount") from None
    if not d.is_finite() or d < 0:
        raise PolicyError(f"{where}: amount must be a finite non-negative decimal")
    return d


def _key(raw: bytes | str) -> bytes:
    s = raw.strip() if isinstance(raw, str) else raw
    if isinstance(s, str):
        import base64
        import binascii
        try:
            b = bytes.fromhex(s) if len(s) == 64 else base64.b64decode(s, validate=True)
        except (ValueError, binascii.Error):
            raise PolicyError(f"public key {s[:8]}…: write 32 bytes as hex or base64") from None
    else:
        b = s
    if len(b) != 32:
        raise PolicyError("public key: an Ed25519 public key is 32 bytes")
    return b


def rule_lines(text: str) -> list[int]:
    """Line number (1-based) of each `[[rule]]` header, in order."""
    return [i for i, ln in enumerate(text.splitlines(), 1) if re.match(r"^\s*\[\[\s*rule\s*\]\]", ln)]


def _set(v, where: str) -> frozenset[str]:
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise PolicyError(f"{where}: write a string or a list of strings")
    return frozenset(v)


def _rule(i: int, raw: dict, line: int) -> Rule:
    where = f"line {line}: rule {raw.get('name', i + 1)!r}"
    outcome = raw.get("outcome")
    if outcome not in OUTCOMES:
        raise PolicyError(f"{where}: outcome must be allow, block or approve")
    kw: dict = {"name": str(raw.get("name", f"rule {i + 1}")), "line": line, "outcome": outcome}
    for key, attr in (("action", "actions"), ("profile", "profiles"), ("venue", "venues"),
                      ("coin", "coins"), ("destination", "destinations"),
                      ("destination_not_in", "destination_not_in"), ("initiator", "initiators")):
        if key in raw:
            kw[attr] = _set(raw[key], f"{where}: {key}")
    if kw.get("coins"):
        kw["coins"] = frozenset(c.upper() for c in kw["coins"])
    for key in ("min_amount", "max_amount", "min_share"):
        if key in raw:
            kw[key] = parse_amount(raw[key], f"{where}: {key}")
    if "velocity" in raw:
        v = raw["velocity"]
        if not isinstance(v, dict) or "max" not in v or "window" not in v:
            raise PolicyError(f"{where}: velocity needs max and window, e.g. {{max = \"1000\", window = \"24h\"}}")
        per = tuple(_set(v.get("per", ["initiator", "profile", "coin"]), f"{where}: velocity.per"))
        if not set(per) <= {"initiator", "profile", "coin"}:
            raise PolicyError(f"{where}: velocity.per takes initiator, profile, coin")
        kw["velocity"] = Velocity(parse_amount(v["max"], f"{where}: velocity.max"),
                                  parse_duration(v["window"]), tuple(sorted(per)))
    if outcome == "block":
        kw["reason"] = str(raw.get("reason", "blocked by policy"))
    if outcome == "approve":
        if "quorum" not in raw:
            raise PolicyError(f"{where}: an approve rule needs a quorum, e.g. \"2 of treasury\"")
        kw["quorum"] = parse_quorum(str(raw["quorum"]))
        kw["allow_self_approval"] = bool(raw.get("allow_self_approval", False))
        kw["expiry_ms"] = parse_duration(raw.get("expiry", "24h"))
    return Rule(**kw)


def load_policy(text: str) -> Policy:
    """Parse policy text; raises PolicyError with a one-line message on bad input."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise PolicyError(f"policy is not valid TOML: {e}") from None
    ops = {}
    for name, o in (doc.get("operators") or {}).items():
        if not isinstance(o, dict) or "public_key" not in o:
            raise PolicyError(f"operator {name!r}: needs public_key")
        ops[name] = Operator(name, _key(o["public_key"]), frozenset(o.get("groups", [])))
    groups: dict[str, set[str]] = {}
    for name, members in (doc.get("groups") or {}).items():
        groups[name] = set(_set(members, f"group {name!r}"))
    for op in ops.values():
        for g in op.groups:
            groups.setdefault(g, set()).add(op.name)
    lines = rule_lines(text)
    raws = doc.get("rule", [])
    rules = tuple(_rule(i, r, lines[i] if i < len(lines) else 0) for i, r in enumerate(raws))
    return Policy(ops, {g: frozenset(m) for g, m in groups.items()}, rules)


def _velocity(rule: Rule, req: Request, ctx: Context) -> Decimal:
    """Sum over history items inside (now - window, now] sharing the rule's `per` keys."""
    v = rule.velocity
    start = ctx.now_ms - v.window_ms
    total = Decimal(0)
    for h in ctx.history:
        if h.time_ms <= start or h.time_ms > ctx.now_ms:
            continue
        if "initiator" in v.per and h.initiator != req.initiator:
            continue
        if "profile" in v.per and h.profile != req.profile:
            continue
        if "coin" in v.per and h.coin.upper() != req.coin.upper():
            continue
        total += h.amount
    return total


def match(rule: Rule, req: Request, ctx: Context, policy: Policy | None = None):
    """Return (matched, reasons, velocity_used) for one rule."""
    why = []
    if rule.actions is not None:
        if req.action not in rule.actions:
            return False, (), None
        why.append(f"action {req.action}")
    for attr, val in (("profiles", req.profile), ("venues", req.venue)):
        s = getattr(rule, attr)
        if s is not None:
            if val not in s:
                return False, (), None
            why.append(f"{attr[:-1]} {val}")
    if rule.coins is not None:
        if req.coin.upper() not in rule.coins:
            return False, (), None
        why.append(f"coin {req.coin.upper()}")
    if rule.min_amount is not None:
        if req.amount < rule.min_amount:
            return False, (), None
        why.append(f"amount {req.amount} >= {rule.min_amount}")
    if rule.max_amount is not None:
        if req.amount > rule.max_amount:
            return False, (), None
        why.append(f"amount {req.amount} <= {rule.max_amount}")
    if rule.destinations is not None:
        if req.destination not in rule.destinations:
            return False, (), None
        why.append("destination in allow-list")
    if rule.destination_not_in is not None:
        if req.destination in rule.destination_not_in:
            return False, (), None
        why.append("destination not in allow-list")
    if rule.initiators is not None:
        groups = policy.groups if policy else {}
        ok = req.initiator in rule.initiators or any(
            req.initiator in groups.get(g, ()) for g in rule.initiators)
        if not ok:
            return False, (), None
        why.append(f"initiator {req.initiator}")
    if rule.min_share is not None:
        if not ctx.available or ctx.available <= 0:
            share_ok = True  # nothing available: any amount is the whole balance
        else:
            share_ok = req.amount > rule.min_share * ctx.available  # no division: exact compare
        if not share_ok:
            return False, (), None
        why.append(f"amount is more than {rule.min_share} of available {ctx.available}")
    used = None
    if rule.velocity is not None:
        used = _velocity(rule, req, ctx)
        if used + req.amount <= rule.velocity.max:
            return False, (), None
        why.append(f"velocity {used} + {req.amount} exceeds {rule.velocity.max}")
    return True, tuple(why) or ("default",), used


def evaluate(policy: Policy | None, req: Request, ctx: Context) -> Decision:
    """First matching rule decides; no policy (or no match) allows, as before approvals.
    A request moving several coins (``params["totals"]``) is decided coin by coin
    (:mod:`.per_coin`): the most restrictive of its coins' decisions."""
    if policy is None:
        return Decision(None, "no policy", "allow", ("no policy file",))
    from .per_coin import evaluate_per_coin

    decision = evaluate_per_coin(lambda r, c: _evaluate_one(policy, r, c), req, ctx)
    if decision is not None:
        return decision
    if isinstance(ctx.available, dict):
        ctx = Context(ctx.now_ms, ctx.available.get(req.coin.upper()), ctx.history)
    return _evaluate_one(policy, req, ctx)


def _evaluate_one(policy: Policy, req: Request, ctx: Context) -> Decision:
    """The first rule matching one coin's request decides."""
    for i, rule in enumerate(policy.rules):
        ok, why, used = match(rule, req, ctx, policy)
        if ok:
            left = None if used is None else max(rule.velocity.max - used, Decimal(0))
            return Decision(i, rule.name, rule.outcome, why, rule.quorum, rule.allow_self_approval,
                            rule.expiry_ms, rule.reason, used, left)
    return Decision(None, "no rule matched", "block", ("no rule matched and no default",),
                    reason="no policy rule matches; add a default rule")
