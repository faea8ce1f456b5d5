"""Working days in England and Wales: weekends and bank holidays excluded."""

from datetime import date

import pytest

from core.templatetags.working_days import due_label
from core.working_days import add_working_days, is_working_day, working_days_between


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 12, 24), 1, date(2026, 12, 29)),  # Christmas Day (Fri), weekend, Boxing Day substitute (Mon 28th)
        (date(2026, 12, 31), 1, date(2027, 1, 4)),  # New Year's Day (Fri) and the weekend, across the year boundary
        (date(2027, 3, 25), 1, date(2027, 3, 30)),  # Good Friday 26 March, Easter Monday 29 March 2027
        (date(2026, 11, 27), 1, date(2026, 11, 30)),  # an ordinary Friday to Monday
        (date(2026, 12, 1), 0, date(2026, 12, 1)),
    ],
)
def test_add_working_days_skips_weekends_and_bank_holidays(start, days, expected):
    assert add_working_days(start, days) == expected


def test_bank_holidays_are_not_working_days():
    assert not is_working_day(date(2026, 12, 25))
    assert not is_working_day(date(2026, 12, 28))  # substitute day for Boxing Day
    assert not is_working_day(date(2027, 3, 29))
    assert is_working_day(date(2026, 12, 29))


def test_working_days_between_counts_across_the_holidays():
    assert working_days_between(date(2026, 12, 24), date(2027, 1, 5)) == 5
    assert working_days_between(date(2027, 1, 5), date(2026, 12, 24)) == -5


@pytest.mark.parametrize(
    ("due", "label"),
    [
        (date(2026, 12, 1), "due today"),
        (date(2026, 12, 3), "due in 2 working days"),
        (date(2026, 11, 30), "overdue by 1 working day"),
        (date(2026, 11, 26), "overdue by 3 working days"),
    ],
)
def test_due_labels(due, label):
    assert due_label(due, today=date(2026, 12, 1)) == label
