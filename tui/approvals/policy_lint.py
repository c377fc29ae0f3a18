"""`check_policy(text)`: problems in a policy file, each with a line number."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass

from .policy import PolicyError, Rule, _rule, load_policy, rule_lines

RULE_KEYS = {"name", "outcome", "action", "profile", "venue", "coin", "min_amount", "max_amount",
             "destination", "destination_not_in", "initiator", "velocity", "min_share", "reason",
             "quorum", "allow_self_approval", "expiry"}
TOP_KEYS = {"operators", "groups", "rule"}
OPERATOR_KEYS = {"public_key", "groups"}


@dataclass(frozen=True)
class Problem:
    """One lint finding."""
    line: int
    message: str


def _line_of(text: str, key: str, start: int = 1, end: int | None = None) -> int:
    lines = text.splitlines()
    for n in range(start, (end or len(lines)) + 1):
        if n - 1 < len(lines) and re.match(rf"^\s*\[*\s*\"?{re.escape(key)}\"?\s*[=.\]]", lines[n - 1]):
            return n
    return start


def _table(text: str, header: str) -> tuple[int, int | None]:
    """The lines (first, last) of the TOML table ``[header]`` (dotted parts may be quoted);
    (1, None), the whole file, when it is not written as a table of its own."""
    parts = [rf"\s*\"?{re.escape(p)}\"?\s*" for p in header.split(".")]
    pattern = re.compile(r"^\s*\[" + r"\.".join(parts) + r"\]\s*(#.*)?$")
    lines = text.splitlines()
    for n, line in enumerate(lines, 1):
        if pattern.match(line):
            end = next((m for m in range(n + 1, len(lines) + 1)
                        if lines[m - 1].lstrip().startswith("[")), len(lines) + 1) - 1
            return n, end
    return 1, None


def _covers(a: Rule, b: Rule) -> bool:
    """Sound, conservative: True only if every request matching b also matches a."""
    if a.velocity is not None or a.min_share is not None or a.initiators is not None:
        return False  # depend on context; never claim shadowing
    for attr in ("actions", "profiles", "venues", "coins", "destinations"):
        sa, sb = getattr(a, attr), getattr(b, attr)
        if sa is not None and (sb is None or not sb <= sa):
            return False
    if a.destination_not_in is not None:
        if b.destination_not_in is None or not a.destination_not_in <= b.destination_not_in:
            return False
    if a.min_amount is not None and (b.min_amount is None or b.min_amount < a.min_amount):
        return False
    if a.max_amount is not None and (b.max_amount is None or b.max_amount > a.max_amount):
        return False
    return True


def check_policy(text: str) -> list[Problem]:
    """Unknown keys, float amounts, unreachable or shadowed rules, unknown operators/groups,
    missing default."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"line (\d+)", str(e))
        return [Problem(int(m.group(1)) if m else 1, f"not valid TOML: {e}")]
    probs: list[Problem] = []
    for k in doc:
        if k not in TOP_KEYS:
            probs.append(Problem(_line_of(text, k), f"unknown key {k!r}"))
    ops = doc.get("operators") or {}
    for name, o in ops.items():
        start, end = _table(text, f"operators.{name}")
        for k in (o if isinstance(o, dict) else {}):
            if k not in OPERATOR_KEYS:
                probs.append(Problem(_line_of(text, k, start, end),
                                     f"operator {name!r}: unknown key {k!r}"))
    start, end = _table(text, "groups")
    for g, members in (doc.get("groups") or {}).items():
        for m in members if isinstance(members, list) else [members]:
            if m not in ops:
                probs.append(Problem(_line_of(text, g, start, end),
                                     f"group {g!r} names unknown operator {m!r}"))
    lines = rule_lines(text)
    n_lines = len(text.splitlines())
    rules: list[Rule | None] = []
    for i, raw in enumerate(doc.get("rule", [])):
        start = lines[i] if i < len(lines) else 1
        end = lines[i + 1] - 1 if i + 1 < len(lines) else n_lines
        for k, v in raw.items():
            if k not in RULE_KEYS:
                probs.append(Problem(_line_of(text, k, start, end), f"rule {i + 1}: unknown key {k!r}"))
            if isinstance(v, float) or (isinstance(v, dict) and any(isinstance(x, float) for x in v.values())):
                probs.append(Problem(_line_of(text, k, start, end),
                                     f"rule {i + 1}: {k} is a TOML float; write it as a string (\"1.5\")"))
        # floats already reported; read them as strings so the other checks still run
        fixed = {k: (str(v) if isinstance(v, float) else
                     {a: str(b) if isinstance(b, float) else b for a, b in v.items()} if isinstance(v, dict) else v)
                 for k, v in raw.items()}
        try:
            rules.append(_rule(i, fixed, start))
        except PolicyError as e:
            probs.append(Problem(start, str(e)))
            rules.append(None)
    try:
        groups = load_policy(text).groups
    except PolicyError:
        groups = doc.get("groups") or {}
    for r in rules:
        if r and r.quorum:
            for g in sorted(r.quorum.groups() - set(groups)):
                probs.append(Problem(_line_of(text, "quorum", r.line), f"rule {r.name!r}: quorum names unknown group {g!r}"))
    for j, b in enumerate(rules):
        if b is None:
            continue
        default = next((a for a in rules[:j] if a is not None and a.unconditional()), None)
        if default is not None:
            probs.append(Problem(b.line, f"rule {b.name!r} is unreachable: rule {default.name!r} (line {default.line}) matches everything"))
            continue
        for a in rules[:j]:
            if a is None:
                continue
            if _covers(a, b):
                probs.append(Problem(b.line, f"rule {b.name!r} is shadowed by rule {a.name!r} (line {a.line})"))
                break
    if not rules or rules[-1] is None or not rules[-1].unconditional():
        probs.append(Problem(n_lines or 1, "no default: end with a rule that has only an outcome"))
    return sorted(probs, key=lambda p: p.line)
