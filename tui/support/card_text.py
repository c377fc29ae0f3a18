"""A user card as plain text lines (``coinsole users show`` and the Users screen's parts).

Each part renders from its data alone: :func:`part_lines` gives the lines of one part
(``loading…`` / ``failed: why`` when it has not loaded), :func:`card_lines` the whole card.
Statuses are named, not numbered; amounts are the venue's exact strings.
"""

from __future__ import annotations

from typing import Any

from tui.core.money import plain
from tui.support.card import PART_TITLES, PARTS, CardPart, PartState, UserCard
from tui.venues.bhex_users import (KYC_STATUS, OTC_SIDES, OTC_STATUS, REGISTER_TYPES,
                                   STATUS_FLAG_MEANING, STATUS_FLAGS, VERIFY_INFO_STATUS)

__all__ = ["card_lines", "part_lines", "ms_text", "broker_audit_text"]

_BROKER_AUDIT = {"BROKER_AUDITING_STATUS": "awaiting broker audit",
                 "BROKER_REJECT_STATUS": "rejected by the broker's audit"}


def broker_audit_text(venue_status: str) -> str:
    """A withdrawal's broker-audit state in words ('' when it is not in one)."""
    return _BROKER_AUDIT.get(venue_status, "")


def _state(venue_status: str, text: str) -> str:
    """A record's status in words; the broker-audit states said plainly."""
    audit = _BROKER_AUDIT.get(venue_status)
    return f"{text} ({audit})" if audit and text else audit or text or venue_status


def ms_text(value: Any) -> str:
    """Epoch milliseconds as ``YYYY-MM-DD HH:MM`` UTC ('' when missing)."""
    import datetime as dt

    try:
        stamp = int(value)
    except (TypeError, ValueError):
        return ""
    if stamp <= 0:
        return ""
    return dt.datetime.fromtimestamp(stamp // 1000, dt.timezone.utc).strftime("%Y-%m-%d %H:%M")


def _named(table: dict[int, str], value: Any) -> str:
    try:
        return table.get(int(value), str(value))
    except (TypeError, ValueError):
        return str(value)


def _amount(value: Any) -> str:
    from decimal import Decimal

    return plain(value) if isinstance(value, Decimal) else str(value)


def _base(data: dict[str, Any]) -> list[str]:
    mobile = f"+{data.get('nationalCode')} {data.get('mobile')}" if data.get("mobile") else "-"
    return [
        f"registered {ms_text(data.get('registerDate'))} by "
        f"{_named(REGISTER_TYPES, data.get('registerType'))}",
        f"mobile {mobile}   email {data.get('email') or '-'}",
        f"GA {'bound' if data.get('bindGA') else 'not bound'}   trade password "
        f"{'set' if data.get('bindTradePwd') else 'not set'}   KYC "
        f"{_named(KYC_STATUS, data.get('verifyStatus'))}",
        f"invited by {data.get('inviteUserId') or '0'} (second level "
        f"{data.get('secondLevelInviteUserId') or '0'})",
    ]


def _kyc(data: dict[str, Any] | None) -> list[str]:
    if not data:
        return ["not submitted"]
    name = " ".join(x for x in (data.get("firstName"), data.get("secondName")) if x)
    return [f"{_named(VERIFY_INFO_STATUS, data.get('verifyStatus'))}, level "
            f"{data.get('displayLevel', '')}",
            f"{name}   {data.get('countryCode', '')}   card {data.get('cardNo', '')}"]


def _status(data: dict[str, int]) -> list[str]:
    return [f"[{'x' if data.get(name) else ' '}] {name:<22} "
            f"{STATUS_FLAG_MEANING[name][1 if data.get(name) else 0]}"
            for name in STATUS_FLAGS if name in data]


def _rows(part: str, data: Any) -> list[str]:
    if part == "invite":
        return [f"code {data.get('inviteCode')}: {data.get('inviteCount')} invited, "
                f"{data.get('directInviteCount')} direct, "
                f"{data.get('indirectInviteCount')} indirect"]
    if part == "invites":
        return [f"{r['userId']}  {'direct' if str(r.get('inviteType')) == '1' else 'indirect'}"
                f"  KYC {_named(KYC_STATUS, r.get('verifyStatus'))}" for r in data] or ["none"]
    if part == "balances":
        return [f"{r['account']:<24} {r['tokenId']:<6} total {r['total']}  free {r['free']}"
                f"  locked {r['locked']}" for r in data] or ["none"]
    if part == "chainup":
        if data is None:
            return ["no ChainUp profile: the org's ChainUp accounts are not asked"]
        return [f"{r['profile']:<14} {r['balance'].account.label:<18} {r['balance'].coin:<8} "
                f"total {_amount(r['balance'].total)}  available "
                f"{_amount(r['balance'].available)}  frozen {_amount(r['balance'].frozen)}"
                for r in data] or ["no ChainUp account with this uid"]
    if part == "flow":
        return [f"{ms_text(r.time_ms)}  {r.flow_type:<10} {_amount(r.change)} {r.coin}  "
                f"after {_amount(r.total)}" for r in data] or ["none"]
    if part in ("deposits", "withdrawals"):
        return [f"{ms_text(r.time_ms)}  {_amount(r.amount)} {r.coin}  "
                f"{_state(r.venue_status, r.status_text)}" for r in data] or ["none"]
    if part == "otc":
        return [f"{r['id']}  {_named(OTC_SIDES, r.get('side'))} {r.get('quantity')} "
                f"{r.get('tokenId')} @ {r.get('price')}  {_named(OTC_STATUS, r.get('status'))}"
                for r in data] or ["none"]
    if part == "open_orders":
        return [f"{o.order_id}  {o.symbol_id} {o.side.value} {_amount(o.orig_qty)} @ "
                f"{_amount(o.price)}  {o.status.value}" for o in data] or ["none"]
    if part == "positions":
        return [f"{p.symbol_id} {'long' if p.is_long else 'short'} {_amount(p.total)}  "
                f"margin {_amount(p.margin)}" for p in data] or ["none"]
    return [str(data)]


def part_lines(part: CardPart) -> list[str]:
    """The lines of one part (without its title)."""
    if part.state is PartState.LOADING:
        return ["loading…"]
    if part.state is PartState.FAILED:
        return [f"failed: {part.error}"]
    if part.name == "base":
        return _base(part.data)
    if part.name == "kyc":
        return _kyc(part.data)
    if part.name == "status":
        return _status(part.data)
    return _rows(part.name, part.data)


def card_lines(card: UserCard) -> list[str]:
    """The whole card: a heading, then each part's title and lines."""
    lines = [f"user {card.user_id}"]
    for name in PARTS:
        lines.append(f"-- {PART_TITLES[name]}")
        lines += [f"   {line}" for line in part_lines(card.parts[name])]
    return lines
