"""Months and quarters as the city's clocks show them (Europe/Paris for Rouen)."""

from __future__ import annotations

from datetime import date, datetime, time

from comptoir.domain.cities.models import City
from comptoir.domain.deals.exports import Month

__all__ = ["Month", "local_today", "month_of", "previous_month", "quarter_bounds"]


def local_today(now: datetime, city: City) -> date:
    return now.astimezone(city.zone).date()


def month_of(day: date) -> Month:
    return Month(day.year, day.month)


def previous_month(month: Month) -> Month:
    return Month(month.year - 1, 12) if month.month == 1 else Month(month.year, month.month - 1)


def quarter_bounds(year: int, quarter: int, city: City) -> tuple[datetime, datetime]:
    """Midnight of the quarter's first day and of the next quarter's, in the city's zone."""
    first = date(year, 3 * quarter - 2, 1)
    following = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    zone = city.zone
    return datetime.combine(first, time(0), tzinfo=zone), datetime.combine(
        following, time(0), tzinfo=zone
    )
