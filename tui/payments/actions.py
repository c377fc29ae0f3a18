"""From an order as the venue shows it to the journal request of one lifecycle action,
checked locally first (:mod:`tui.payments.lifecycle`): the steps the CLI and the
Payments screen share. An illegal action raises :class:`IllegalPaymentAction` with the
reason; nothing is journaled or sent."""

from __future__ import annotations

from decimal import Decimal

from tui.payments.lifecycle import IllegalPaymentAction, PaymentAction, refusal
from tui.payments.requests import (PaymentCancelRequest, PaymentRefundRequest,
                                   PaymentSettleRequest, PaymentUnlockRequest, new_key,
                                   refunded_of, settled_total, unlocked_total)
from tui.org_writes import journal_and_send, outcome_text
from tui.venues.bhex_payments import PaymentOrder

__all__ = ["settle_request", "unlock_request", "refund_request", "cancel_request",
           "prepaid_token", "IllegalPaymentAction", "journal_and_send", "outcome_text"]


def _check(order: PaymentOrder, action: PaymentAction, **kwargs: object) -> None:
    reason = refusal(order, action, **kwargs)  # type: ignore[arg-type]
    if reason is not None:
        raise IllegalPaymentAction(reason)


def _who(order: PaymentOrder) -> dict[str, str]:
    return {"order_id": order.order_id, "payer_user_id": order.payer_user_id,
            "payee_user_id": order.payee_user_id, "status": order.status}


def prepaid_token(order: PaymentOrder) -> str | None:
    """The token of the order's prepaid funds when there is exactly one (else None)."""
    tokens = {i.token_id for i in order.pay_info if i.pay_type == "PREPAY"}
    return tokens.pop() if len(tokens) == 1 else None


def settle_request(profile: str, order: PaymentOrder, token_id: str,
                   amount: Decimal) -> PaymentSettleRequest:
    """Settle ``amount`` of held ``token_id`` to the payee."""
    _check(order, PaymentAction.SETTLE, token_id=token_id, amount=amount)
    return PaymentSettleRequest(profile=profile, client_key=new_key("st"), token_id=token_id,
                                amount=amount, before=settled_total(order, token_id),
                                **_who(order))


def unlock_request(profile: str, order: PaymentOrder, token_id: str,
                   amount: Decimal) -> PaymentUnlockRequest:
    """Unlock ``amount`` of held ``token_id`` back to the payer."""
    _check(order, PaymentAction.UNLOCK, token_id=token_id, amount=amount)
    return PaymentUnlockRequest(profile=profile, client_key=new_key("ul"), token_id=token_id,
                                amount=amount, before=unlocked_total(order, token_id),
                                **_who(order))


def refund_request(profile: str, order: PaymentOrder, item_id: str,
                   amount: Decimal) -> PaymentRefundRequest:
    """Refund ``amount`` of the paid PAY item ``item_id`` (in the item's token)."""
    _check(order, PaymentAction.REFUND, item_id=item_id, amount=amount)
    item = order.item(item_id)
    assert item is not None  # refusal() checked it
    return PaymentRefundRequest(profile=profile, client_key=new_key("rf"), item_id=item_id,
                                token_id=item.token_id, amount=amount,
                                before=refunded_of(order, item_id), **_who(order))


def cancel_request(profile: str, order: PaymentOrder) -> PaymentCancelRequest:
    """Cancel the unpaid ``order``."""
    _check(order, PaymentAction.CANCEL)
    first = order.pay_info[0] if order.pay_info else None
    return PaymentCancelRequest(profile=profile, client_key=new_key("pc"),
                                client_order_id=order.client_order_id,
                                token_id=first.token_id if first else "",
                                amount=first.amount if first else Decimal(0), **_who(order))

