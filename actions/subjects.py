"""What the actions app asks of an action's subject (a SIN, later a learning item).

The actions app sits below the apps whose records have actions, so it imports
none of them: settings.ACTION_SUBJECTS names, for each subject field of
`Action`, the module of the subject's app that answers. Each such module offers:

- `visible(user) -> Q`: the actions (by their subject) the person may read;
- `reads_subject(user, action) -> bool`: whether they read the subject itself;
- `subject_link(action) -> (url, text)`: where the subject is, for those who read it;
- `is_accountable(user, action) -> bool`: who answers for the action besides its owner;
- `locked(action) -> str`: why the action can no longer change ("" when it can);
- `recorded(*, actor, action, text)`: add the change to the subject's own timeline;
- `escalation_recipients(action) -> list`: who hears of it when it is overdue;
- `reference(action) -> str`: the subject's reference, for lists and alerts;
- `open_subjects() -> Q`: the actions whose subject is still open (reminders stop once it closes).
"""

from functools import cache
from importlib import import_module

from django.conf import settings
from django.db.models import Q


@cache
def _module(field: str):
    return import_module(settings.ACTION_SUBJECTS[field])


def subject_module(action):
    return _module(action.subject_field)


def visible(user) -> Q:
    condition = Q(pk__in=[])
    for field in settings.ACTION_SUBJECTS:
        condition |= _module(field).visible(user)
    return condition


def open_subjects() -> Q:
    condition = Q(pk__in=[])
    for field in settings.ACTION_SUBJECTS:
        condition |= _module(field).open_subjects()
    return condition
