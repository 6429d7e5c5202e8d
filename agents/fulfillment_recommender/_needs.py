"""Which order lines, and how many of their units, need a new source."""

from __future__ import annotations

from dataclasses import dataclass

from exdesk.agents.fulfillment_recommender.contract import RecommendationRequest


@dataclass(frozen=True)
class NeedLine:
    """Units of one order line that the options must source."""

    line_no: int
    sku: str
    qty: int


@dataclass(frozen=True)
class Need:
    """The units to source, by line and by SKU, and any caveat about how they were read."""

    lines: tuple[NeedLine, ...]
    by_sku: dict[str, int]
    note: str | None = None

    @property
    def total_units(self) -> int:
        """All units to source."""
        return sum(self.by_sku.values())


def need_of(request: RecommendationRequest) -> Need:
    """The units that need a new source.

    * ``affected_skus`` (plus any SKU named in ``short_qty``) restricts the need to the lines
      of those SKUs; empty means every line of the order.
    * ``short_qty[sku]`` is how many units of that SKU are short; they are spread over the
      SKU's lines in line order, each capped at its quantity. Without it a line needs all
      its units.
    * When the exception names SKUs that are on no order line, every line is planned and
      the note says why (the event and the order disagree; a human should look).
    """
    order_lines = sorted(request.order.lines, key=lambda line: line.line_no)
    named = set(request.affected_skus) | {sku for sku, q in request.short_qty.items() if q > 0}
    note: str | None = None
    lines = [line for line in order_lines if line.sku in named] if named else order_lines
    if named and not lines:
        note = (
            f"the exception names SKU(s) {', '.join(sorted(named))} that are not on order "
            f"{request.order.order_id}; every line was planned instead"
        )
        lines = order_lines
    short_left = {sku: q for sku, q in request.short_qty.items() if q > 0}
    needs: list[NeedLine] = []
    for line in lines:
        if line.sku in short_left:
            qty = min(line.qty, short_left[line.sku])
            short_left[line.sku] -= qty
        else:
            qty = line.qty
        if qty > 0:
            needs.append(NeedLine(line_no=line.line_no, sku=line.sku, qty=qty))
    by_sku: dict[str, int] = {}
    for need in needs:
        by_sku[need.sku] = by_sku.get(need.sku, 0) + need.qty
    return Need(lines=tuple(needs), by_sku=by_sku, note=note)
