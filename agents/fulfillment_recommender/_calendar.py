"""When a DC can ship: its local cut-off, its working days and the holidays.

An order released before the DC's cut-off (local time) on a working day ships that day;
after it, or on a weekend or holiday, it ships the next working day. The defaults — 15:00,
Monday to Friday — and the holidays every DC keeps (``holidays.csv``, the days US parcel
and LTL carriers do not pick up) can be overridden per warehouse in the network data
(``Warehouse.cutoff``, ``timezone``, ``working_days``, ``closed_dates``).
"""

from __future__ import annotations

import csv
from datetime import date, datetime, time, timedelta, tzinfo
from functools import cache
from importlib.resources import files
from zoneinfo import ZoneInfo

from exdesk.domain import Warehouse

_MAX_SEARCH_DAYS = 60
"""How far ahead a next working day is looked for before the calendar is called broken."""


@cache
def holidays() -> frozenset[date]:
    """The holidays every DC keeps, from the file shipped with the package."""
    text = files("exdesk.agents.fulfillment_recommender").joinpath("holidays.csv").read_text()
    return frozenset(date.fromisoformat(row["date"]) for row in csv.DictReader(text.splitlines()))


class ShipCalendar:
    """One DC's shipping days."""

    def __init__(self, warehouse: Warehouse | None, reported_zone: tzinfo | None) -> None:
        """``reported_zone``: the zone the event was reported in, used when the DC has none."""
        self.warehouse = warehouse
        self.zone: tzinfo | None = (
            ZoneInfo(warehouse.timezone) if warehouse and warehouse.timezone else reported_zone
        )
        self.cutoff: time = warehouse.cutoff if warehouse else time(15, 0)
        self._closed = holidays() | frozenset(warehouse.closed_dates if warehouse else ())
        self._days = frozenset(warehouse.working_days if warehouse else (1, 2, 3, 4, 5))

    @property
    def cutoff_text(self) -> str:
        """``15:00``."""
        return self.cutoff.strftime("%H:%M")

    def works_on(self, day: date) -> bool:
        """Whether the DC ships on ``day``."""
        return day.isoweekday() in self._days and day not in self._closed

    def next_working_day(self, day: date) -> date:
        """``day`` itself when the DC ships on it, else the next day it does."""
        for offset in range(_MAX_SEARCH_DAYS):
            candidate = day + timedelta(days=offset)
            if self.works_on(candidate):
                return candidate
        raise ValueError(f"no working day within {_MAX_SEARCH_DAYS} days of {day}")

    def ship_day(self, moment: datetime | None, as_of: date) -> date:
        """The first day the DC can ship an order released at ``moment`` (``as_of``, start
        of the day, when the time is not known)."""
        if moment is None:
            return self.next_working_day(as_of)
        local = self.local(moment)
        day = local.date()
        if self.after_cutoff(moment):
            day += timedelta(days=1)
        return self.next_working_day(day)

    def local(self, moment: datetime) -> datetime:
        """``moment`` on the DC's clock."""
        return moment.astimezone(self.zone) if self.zone is not None else moment

    def after_cutoff(self, moment: datetime | None) -> bool:
        """Whether ``moment`` is at or past the DC's cut-off on its local day."""
        if moment is None:
            return False
        return self.local(moment).time().replace(tzinfo=None) >= self.cutoff
