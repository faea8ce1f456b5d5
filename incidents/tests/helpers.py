"""What the incidents tests share: the people by role, the SIN form as the browser posts it, reading a page,
and watching a service step (the events, audit events and notifications it writes; nothing changed when refused)."""

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.models import Notification
from audit.models import AuditEvent
from conftest import sign_in
from incidents.models import Action, Briefing, CaseReview, CeoDecision, Incident, IncidentEvent
from organisation.choices import Role

LM, AD, OD, CEO, CMT, NIS, BOARD, CHAIR, HOP = (
    Role.LOCAL_MANAGER,
    Role.ASSISTANT_DIRECTOR,
    Role.OPERATIONAL_DIRECTOR,
    Role.CEO,
    Role.CMT_MEMBER,
    Role.NIS_REVIEWER,
    Role.BOARD_MEMBER,
    Role.CHAIR,
    Role.HEAD_OF_PROFESSION,
)


def date_fields(name, value):
    """The three inputs of a GOV.UK date field (day, month, year)."""
    return {f"{name}_0": str(value.day), f"{name}_1": str(value.month), f"{name}_2": str(value.year)}


def form_post(org, **overrides):
    """A complete case-related SIN form, as the browser posts it from /incidents/new/."""
    today = timezone.localdate()
    data = {
        "kind": "case",
        "place": f"team:{org.team.pk}",
        "criteria": ["child_seriously_harmed"],
        "other_description": "",
        "title": "Harm to a child in placement",
        "children": "A, 4",
        "case_reference": "ZZ-12345",
        "court": "Family Court at Newcastle",
        "what_happened": "The child was found injured.",
        "cafcass_involvement": "Section 7 report in preparation.",
        "other_agencies": "Police.",
        "media_risk": "None known.",
        "immediate_actions": "Safeguarding referral made.",
        **date_fields("incident_date", today - timedelta(days=3)),
        **date_fields("aware_date", today - timedelta(days=2)),
        "save": "Save draft",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def edit_post(org, incident, **overrides):
    data = form_post(org, **{"version": str(incident.version), **overrides})
    data.pop("place", None)
    data.pop("kind", None)
    return data


def html(response) -> str:
    return response.content.decode()


def as_user(client, user):
    return sign_in(client, user)


def fresh(incident):
    incident.refresh_from_db()
    return incident


def assert_error_page(response, message, *kept, field=None):
    assert response.status_code in (200, 400), response.status_code
    body = html(response)
    assert "govuk-error-summary" in body
    assert "There is a problem" in body
    assert message in body, body[:5000]
    assert "govuk-error-message" in body  # beside the field, not only at the top
    if field:
        # The summary links to the field, and the field's own group shows the message.
        assert re.search(rf'<a href="#id_{field}(_\d)?">{re.escape(message)}', body), body[:6000]
        group = body.split(f'id="div_id_{field}"', 1)[1].split('id="div_id_', 1)[0]
        assert "govuk-form-group--error" in body.split(f'id="div_id_{field}"', 1)[1][:80]
        assert message in group
    for text in kept:
        assert text in body, f"{text!r} was not kept in the form"


# --- watching a service step ---------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    stage: str
    version: int
    events: int
    audits: int
    notifications: int
    decisions: int
    actions: int
    briefings: int
    reviews: int
    reference: str | None


def snapshot(incident: Incident) -> Snapshot:
    incident.refresh_from_db()
    return Snapshot(
        stage=incident.stage,
        version=incident.version,
        events=IncidentEvent.objects.count(),
        audits=AuditEvent.objects.count(),
        notifications=Notification.objects.count(),
        decisions=CeoDecision.objects.count(),
        actions=Action.objects.count(),
        briefings=Briefing.objects.count(),
        reviews=CaseReview.objects.count(),
        reference=incident.reference,
    )


def refused(exc, incident, call, **kwargs):
    """`call` raises `exc` and nothing about `incident` (or anywhere) changed."""
    before = snapshot(incident)
    with pytest.raises(exc) as info:
        call(**kwargs)
    assert snapshot(incident) == before
    return info.value


def last_of(model, field="pk"):
    row = model.objects.order_by(f"-{field}").values_list(field, flat=True).first()
    return row or 0


class Step_:
    """Watch one step: the events, audit events and notifications it writes."""

    def __init__(self, incident):
        self.incident = incident
        incident.refresh_from_db()
        self.version = incident.version
        self.event = last_of(IncidentEvent)
        self.audit = last_of(AuditEvent, "sequence")
        self.note = last_of(Notification)

    @property
    def events(self):
        return list(IncidentEvent.objects.filter(pk__gt=self.event).order_by("pk"))

    @property
    def audits(self):
        return list(AuditEvent.objects.filter(sequence__gt=self.audit).order_by("sequence"))

    def notes(self, reason=None):
        rows = Notification.objects.filter(pk__gt=self.note)
        if reason is not None:
            rows = rows.filter(reason=reason)
        return {n.recipient for n in rows}

    def check(self, step, to_stage, *, from_stage=None, audit_action=None):
        """Exactly one event for `step` and one audit event; stage now `to_stage`, version one up."""
        self.incident.refresh_from_db()
        assert self.incident.stage == to_stage
        assert self.incident.version == self.version + 1
        events = self.events
        assert [e.step for e in events] == [step]
        assert events[0].to_stage == to_stage
        if from_stage is not None:
            assert events[0].from_stage == from_stage
        audits = self.audits
        assert [a.action for a in audits] == [audit_action or f"incident.{step}"]
        assert audits[0].object_id == str(self.incident.pk) or audit_action == "action.update"
        return events[0]


def v(incident):
    incident.refresh_from_db()
    return incident.version
