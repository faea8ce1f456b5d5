"""Working days in England and Wales: weekends and bank holidays excluded.

Bank holidays come from the maintained `holidays` package (subdivision ENG,
whose bank holidays are those of England and Wales), not a hand-written list.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=32)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (start itself not counted)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_day_on_or_before(day: date) -> date:
    """`day` if it is a working day, else the last working day before it."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`; negative when end is earlier."""
    if end == start:
        return 0
    sign = 1 if end > start else -1
    low, high = (start, end) if sign == 1 else (end, start)
    count = 0
    current = low
    while current < high:
        current += timedelta(days=1)
        if is_working_day(current):
            count += 1
    return sign * count
