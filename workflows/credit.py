"""The credit proposal: deterministic arithmetic on the customer's account, for finance."""

from __future__ import annotations

from decimal import Decimal

from exdesk.domain import CreditReview
from exdesk.domain.context import CaseContext

CENT = Decimal("0.01")


def review_credit(context: CaseContext) -> CreditReview:
    """Propose releasing the hold when balance + this order stays within the limit."""
    customer, order = context.customer, context.order
    if customer is None:
        return CreditReview(
            action="keep_hold",
            order_id=order.order_id if order else None,
            rationale="the customer could not be identified; finance must review the account",
        )
    if order is not None and order.currency != customer.currency:
        return CreditReview(
            action="keep_hold",
            customer_id=customer.customer_id,
            order_id=order.order_id,
            credit_limit=customer.credit_limit,
            balance=customer.balance,
            currency=customer.currency,
            rationale=f"the order is in {order.currency} and the account in "
            f"{customer.currency}: finance must convert before deciding",
        )
    order_value = order.value.quantize(CENT) if order else Decimal(0)
    exposure = (customer.balance + order_value).quantize(CENT)
    headroom = (customer.credit_limit - exposure).quantize(CENT)
    within = headroom >= 0
    rationale = (
        f"balance {customer.balance:.2f} + order {order_value:.2f} = exposure {exposure:.2f} "
        f"{'within' if within else 'over'} the limit {customer.credit_limit:.2f} "
        f"by {abs(headroom):.2f} {customer.currency}"
    )
    return CreditReview(
        action="release_hold" if within else "keep_hold",
        customer_id=customer.customer_id,
        order_id=order.order_id if order else None,
        credit_limit=customer.credit_limit,
        balance=customer.balance,
        order_value=order_value,
        exposure=exposure,
        currency=customer.currency,
        rationale=rationale,
    )
