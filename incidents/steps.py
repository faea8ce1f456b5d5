"""Taking a step of the table (incidents.workflow): the pages and the API both come through here.

A row names its service function and which field of the form or request goes
into which of its arguments, so one function takes any step, and a field error
comes back under the field's own name ("text", not "questions"), beside the
field on a page and keyed as the API's schema says.
"""

from django.core.exceptions import ValidationError

from . import services
from .selectors import action_owners_for
from .workflow import Transition


def _requested_action(incident, data: dict):
    """The action a decision asks for, when its form asked for one; the owner from the people offered."""
    if not data.get("action_description"):
        return None
    owner = data.get("action_owner")
    if owner is not None and not hasattr(owner, "pk"):
        owner = action_owners_for(incident).filter(pk=owner).first()
    return services.RequestedAction(data["action_description"], owner, data.get("action_due_date"))


def step_run(row: Transition, *, actor, incident, version: int, data: dict):
    """Record the step `row` on `incident` with the form's or request's `data` (by field name)."""
    kwargs = {argument: data.get(name, "") for argument, name in row.args.items()}
    if row.takes_action:
        kwargs["action"] = _requested_action(incident, data)
    call = getattr(services, row.service)
    try:
        return call(actor=actor, incident_id=incident.pk, expected_version=version, **kwargs)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        field_of = {argument: name for argument, name in row.args.items()}
        raise ValidationError({field_of.get(key, key): messages for key, messages in error.message_dict.items()}) from error
