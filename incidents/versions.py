"""The versions of a form as its author sent them on, and what changed between them.

When an AD returns a SIN with questions (2.2), or the Operational Service
Director returns a CR1 (2.5), the author changes the form and sends it again.
The text that was questioned must stay readable: each submission keeps a
`SubmittedVersion` of the form as it was sent, beside the timeline event of
that submission (who, when, and for a SIN their answer to the questions). The
next version shows, field by field, what changed.
"""

from dataclasses import dataclass
from datetime import date

from .fields import decrypt, encrypt, is_encrypted
from .models import CaseReview, Incident, IncidentEvent, SubmittedVersion

FORM_FIELDS = [
    "title",
    "other_description",
    "children",
    "case_reference",
    "court",
    "incident_date",
    "aware_date",
    "what_happened",
    "cafcass_involvement",
    "other_agencies",
    "media_risk",
    "immediate_actions",
]
CR1_FIELDS = ["summary", "chronology", "analysis_of_practice", "findings", "learning_identified", "recommendations"]
CRITERIA = "criteria"
# Kept encrypted in a submitted version as in the record itself (docs/decisions/0019).
ENCRYPTED_FIELDS = ("children", "case_reference", "court")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def sin_values(incident: Incident) -> dict:
    values = {name: _text(getattr(incident, name)) for name in FORM_FIELDS}
    for name in ENCRYPTED_FIELDS:
        if values[name]:
            values[name] = encrypt(values[name])
    values[CRITERIA] = [criterion.text for criterion in incident.criteria.order_by("kind", "order")]
    return values


def readable(version: SubmittedVersion) -> dict:
    """A version's values as they read, the encrypted ones opened."""
    return {
        name: decrypt(value, label=name) if name in ENCRYPTED_FIELDS and is_encrypted(value) else value
        for name, value in version.values.items()
    }


def cr1_values(review: CaseReview) -> dict:
    return {name: _text(getattr(review, name)) for name in CR1_FIELDS}


def version_record(*, incident: Incident, event: IncidentEvent, form: str, values: dict) -> SubmittedVersion:
    """Keep the form as it was sent with `event`; numbered 1, 2... per incident and form."""
    last = (
        SubmittedVersion.objects.filter(incident=incident, form=form).order_by("-number").values_list("number", flat=True).first()
    )
    return SubmittedVersion.objects.create(incident=incident, event=event, form=form, number=(last or 0) + 1, values=values)


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


def _label(form: str, name: str) -> str:
    if name == CRITERIA:
        return "Criteria met"
    model = Incident if form == SubmittedVersion.Form.SIN else CaseReview
    label = str(model._meta.get_field(name).verbose_name)
    return label[:1].upper() + label[1:]


def _shown(value) -> str:
    if isinstance(value, list):
        return "\n".join(value)
    return value


def changes_between(before: SubmittedVersion, after: SubmittedVersion) -> list[Change]:
    """Field by field, in the form's order, what `after` says differently from `before`."""
    names = ([CRITERIA] if after.form == SubmittedVersion.Form.SIN else []) + (
        FORM_FIELDS if after.form == SubmittedVersion.Form.SIN else CR1_FIELDS
    )
    old, new = readable(before), readable(after)
    return [
        Change(_label(after.form, name), _shown(old.get(name, "")), _shown(new.get(name, "")))
        for name in names
        if old.get(name, "") != new.get(name, "")
    ]


def changes_by_event(versions) -> dict[int, dict]:
    """For each submission after the first: the version it replaced and what changed (by event id).

    `versions` are the incident's SubmittedVersion rows (a page prefetches them), in any order.
    """
    by_form: dict[str, list[SubmittedVersion]] = {}
    for version in sorted(versions, key=lambda v: (v.form, v.number)):
        by_form.setdefault(version.form, []).append(version)
    result = {}
    for rows in by_form.values():
        for previous, current in zip(rows, rows[1:], strict=False):
            result[current.event_id] = {"previous": previous, "version": current, "changes": changes_between(previous, current)}
    return result
