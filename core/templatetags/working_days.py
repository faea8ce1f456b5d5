"""`{{ date|due_label }}`: "due today", "due in 2 working days", "overdue by 1 working day"."""

from django import template
from django.utils import timezone

from core.working_days import working_days_between

register = template.Library()


@register.filter
def due_label(due, today=None) -> str:
    if not due:
        return ""
    today = today or timezone.localdate()
    days = working_days_between(today, due)
    if due == today or (days == 0 and due > today):
        return "due today"
    if due < today:
        late = -days
        if late == 0:
            return "due today"
        return f"overdue by {late} working day{'s' if late != 1 else ''}"
    return f"due in {days} working day{'s' if days != 1 else ''}"
