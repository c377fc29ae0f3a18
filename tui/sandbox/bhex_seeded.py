"""The statistics' seeded withdrawals (:data:`tui.sandbox.bhex_stats.SEEDED_WITHDRAWALS`)
as their own users see them: ``withdraw/order`` and ``withdraw/order/detail`` list them
beside the user's live withdrawals, so the support desk's card shows a user's withdrawals
awaiting broker audit (status 1) exactly as the broker's statistics list them."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from tui.core.money import plain

__all__ = ["seeded_orders"]


def seeded_orders(book_rows: Sequence[dict[str, Any]], user_id: str) -> list[dict[str, Any]]:
    """``user_id``'s rows of the statistics book, in ``withdraw/order``'s shape."""
    from tui.sandbox.bhex_moves import STATUS_CODES

    rows = []
    for row in book_rows:
        if row["userId"] != user_id:
            continue
        status = int(row["status"])
        code, desc = STATUS_CODES[status]
        quantity, arrive = Decimal(row["totalQuantity"]), Decimal(row["arriveQuantity"])
        rows.append({
            "time": row["createTime"], "orderId": row["orderId"],
            "accountId": row["accountId"], "tokenId": row["tokenId"],
            "tokenName": row["tokenId"], "address": row["address"],
            "addressExt": row["addressTag"], "quantity": row["totalQuantity"],
            "arriveQuantity": row["arriveQuantity"], "status": status, "statusCode": code,
            "statusDesc": desc, "txid": row["txId"], "txidUrl": "",
            "walletHandleTime": "" if status in (1, 2) else row["updateTime"],
            "requiredConfirmNum": 12, "confirmNum": 12 if status == 6 else 0,
            "kernelId": "", "isInternalTransfer": False, "feeTokenId": row["tokenId"],
            "feeTokenName": row["tokenId"], "fee": plain(quantity - arrive)})
    return rows
