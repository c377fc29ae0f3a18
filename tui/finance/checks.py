"""What a finance batch's rows are checked against, read from the venue and the local
user index: the coins the venue lists (with the decimals of each coin the file names), the
org's user index when ``users sync`` has built one, and the operating account's available
balances (airdrops)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from tui.venues.coin_decimals import coin_decimals

__all__ = ["batch_checks", "coin_decimals"]


async def batch_checks(adapter: Any, path: Path, op: Any) -> dict[str, Any]:
    """What the rows are checked against: the venue's coins (with decimals for the coins
    the file names), the user index when the org has one, the operating balances.

    ``_index`` is the open user index (the caller closes it)."""
    from tui.finance.batch import BatchRefused, read_csv_rows
    from tui.support.user_index import UserIndex, org_key

    tokens = await adapter.basic_tokens()
    names = {str(t["tokenId"]).upper(): str(t["tokenId"]) for t in tokens}
    try:
        named = {(row.get("coin") or "").strip().upper()
                 for _, row in read_csv_rows(path.read_bytes())}
    except OSError as exc:
        raise BatchRefused([f"cannot read {path}: {exc.strerror or exc}"]) from None
    from tui.core.validation import default_decimals

    coins = {name: default_decimals("bhex") for name in names.values()}
    for upper in named & set(names):
        coins[names[upper]] = await coin_decimals(adapter, names[upper])
    available: dict[str, Decimal | None] = {}
    if op.spends_operating_account:
        rows = await adapter.account_balance(adapter.settings.user_id)
        available = {str(r["tokenId"]): Decimal(str(r["free"])) for r in rows}
    index = UserIndex.open(org_key(adapter.settings.base_url,
                                   adapter.credentials.api_key.get_secret_value()))
    known = None
    if index.count() > 0:
        known = index.existing
    return {"coins": coins, "available": available, "known_users": known, "_index": index}
