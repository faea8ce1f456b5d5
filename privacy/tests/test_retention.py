"""Retention (UK GDPR storage limitation): the periods, the dry run and the purge (docs/decisions/0013-retention.md).

Runs on SQLite and on PostgreSQL (DATABASE_URL=postgres://.../sin_<name>).
"""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from actions.models import Action
from alerts.models import EmailDelivery, Notification
from audit.models import AuditEvent
from incidents.choices import Decision, Stage
from incidents.models import Briefing, CaseReview, CeoDecision, Incident, IncidentEvent, SubmittedVersion
from incidents.tests.factories import case_form, incident_at, requested_action
from organisation.choices import Role
from privacy.models import Outcome, RecordKind, RetentionHold, RetentionPeriod
from privacy.services import PURGED, retention_period_confirm

pytestmark = pytest.mark.django_db

SECRET_WORDS = ("Z.Q., 6", "Secret what happened", "Briefing text.", "Summary of the case.", "statement.docx")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _run(name, **options) -> str:
    out = io.StringIO()
    call_command(name, stdout=out, **options)
    return out.getvalue()


def _confirm_all(org):
    retention_period_confirm(
        actor=org.people[Role.ADMINISTRATOR], period_ids=list(RetentionPeriod.objects.values_list("pk", flat=True))
    )


def _closed_years_ago(org, years, **form):
    """A closed case SIN with a CR1, a briefing, a done action, alerts and a file, closed `years` ago."""
    from documents import services as documents
    from documents.word import blank_sin_form
    from incidents import services

    incident = incident_at(
        org, Stage.FINAL_DECISION, data=case_form(children="Z.Q., 6", what_happened="Secret what happened", **form)
    )
    documents.attachment_add(
        actor=org.people[Role.LOCAL_MANAGER], incident_id=incident.pk, name="statement.docx", data=blank_sin_form("case")
    )
    incident.refresh_from_db()
    services.incident_ceo_final_decide(
        actor=org.people[Role.CEO],
        incident_id=incident.pk,
        expected_version=incident.version,
        decision=Decision.SHARE_BOARD,
        rationale="Rationale.",
        briefing_title="Briefing",
        briefing_text="Briefing text.",
        action=requested_action(org.people[Role.ASSISTANT_DIRECTOR]),
    )
    incident.refresh_from_db()
    for action in incident.actions.all():
        services.action_update(
            actor=org.people[Role.ASSISTANT_DIRECTOR],
            action_id=action.pk,
            expected_version=action.version,
            status="done",
            evidence="Evidence.",
        )
    incident.refresh_from_db()
    services.incident_close(actor=org.people[Role.ASSISTANT_DIRECTOR], incident_id=incident.pk, expected_version=incident.version)
    Incident.objects.filter(pk=incident.pk).update(closed_at=timezone.now() - timedelta(days=365 * years + 2))
    return Incident.objects.get(pk=incident.pk)


def _not_notifiable_years_ago(org, years):
    incident = incident_at(org, Stage.NOT_NOTIFIABLE)
    IncidentEvent.objects.filter(incident=incident, to_stage=Stage.NOT_NOTIFIABLE).update(
        at=timezone.now() - timedelta(days=365 * years + 2)
    )
    return incident


def test_the_defaults_are_seeded_for_every_kind_and_none_is_confirmed():
    periods = {(p.kind, p.outcome): p for p in RetentionPeriod.objects.all()}
    assert periods[(RecordKind.CASE_SIN, Outcome.NOT_NOTIFIABLE)].years == 2
    assert periods[(RecordKind.CASE_SIN, Outcome.CLOSED)].years == 7
    assert (RecordKind.LEARNING_ITEM, Outcome.CLOSED) in periods
    assert not any(p.confirmed for p in periods.values())
    assert all("for the records manager to confirm" in p.reasoning for p in periods.values())


def test_nothing_is_removed_under_a_period_not_yet_confirmed(org):
    old = _not_notifiable_years_ago(org, 3)
    report = _run("retention_report")
    assert "NOT YET CONFIRMED" in report and f"{old.reference} (Case-related SIN" in report.split("not yet confirmed")[1]
    assert "0 SIN(s) removed." in _run("retention_purge")
    assert Incident.objects.filter(pk=old.pk).exists()


def test_the_report_lists_what_would_go_and_removes_nothing(org):
    old = _closed_years_ago(org, 8)
    recent = _closed_years_ago(org, 6)
    _confirm_all(org)
    events_before = AuditEvent.objects.count()
    report = _run("retention_report")
    assert "1 SIN(s) past a confirmed period would be removed" in report
    line = next(line for line in report.splitlines() if old.reference in line)
    assert "incidents.incidentevent" in line and "documents.attachment 1" in line and "actions.action 1" in line
    assert recent.reference not in report
    assert Incident.objects.filter(pk=old.pk).exists() and AuditEvent.objects.count() == events_before


def test_the_purge_removes_the_sin_and_everything_it_owns_and_its_files(org, media, django_capture_on_commit_callbacks):
    old = _closed_years_ago(org, 8)
    stored = Path(media) / old.attachments.get().file.name
    assert stored.exists()
    action_ids = list(old.actions.values_list("pk", flat=True))
    assert Notification.objects.filter(incident=old).exists() and Notification.objects.filter(action__in=action_ids).exists()
    _confirm_all(org)

    with django_capture_on_commit_callbacks(execute=True):
        output = _run("retention_purge")

    assert f"Removed {old.reference}" in output and "1 SIN(s) removed." in output
    assert not Incident.objects.filter(pk=old.pk).exists()
    for model in (IncidentEvent, SubmittedVersion, CeoDecision, Briefing, CaseReview):
        assert not model.objects.filter(incident_id=old.pk).exists(), model
    assert not Action.objects.filter(pk__in=action_ids).exists()
    assert not Notification.objects.filter(about_id__in=[old.pk, *action_ids]).exists()
    assert not EmailDelivery.objects.filter(about_id=old.pk, about_type__model="incident").exists()
    assert not stored.exists()


def test_audit_events_of_a_removed_sin_stay_the_removal_is_recorded_without_content_and_the_chain_is_intact(org):
    old = _closed_years_ago(org, 8)
    about = AuditEvent.objects.filter(object_type="incidents.incident", object_id=str(old.pk))
    before = set(about.values_list("pk", flat=True))
    _confirm_all(org)
    _run("retention_purge")

    assert before < set(about.values_list("pk", flat=True))  # every earlier event kept, one more added
    purge = AuditEvent.objects.get(action=PURGED)
    assert purge.object_repr == old.reference and purge.changes["reference"] == old.reference
    assert purge.changes["kind"] == "case" and purge.changes["outcome"] == "closed"
    assert purge.changes["removed"]["incidents.incident"] == 1 and purge.changes["removed"]["documents.attachment"] == 1
    assert not any(word in str(purge.changes) for word in SECRET_WORDS)
    assert "The audit trail is intact" in _run("audit_verify")


def test_recent_held_and_other_records_stay_and_learning_is_unlinked_not_removed(org):
    from learning.models import LearningItem, LearningOrigin

    old = _not_notifiable_years_ago(org, 3)
    held = _not_notifiable_years_ago(org, 3)
    RetentionHold.objects.create(incident=held, reason="Public inquiry", placed_by=org.people[Role.ADMINISTRATOR])
    young = _not_notifiable_years_ago(org, 1)
    open_case = incident_at(org, Stage.CASE_REVIEW)
    item = LearningItem.objects.create(
        title="What we learnt", origin=LearningOrigin.objects.first(), incident=old, author=org.people[Role.NIS_REVIEWER]
    )
    _confirm_all(org)

    _run("retention_purge")

    remaining = set(Incident.objects.values_list("pk", flat=True))
    assert old.pk not in remaining and {held.pk, young.pk, open_case.pk} <= remaining
    item.refresh_from_db()
    assert item.incident is None
    assert "1 SIN(s) are kept under a retention hold" in _run("retention_report")


def test_a_period_changed_in_the_admin_waits_for_confirmation_again(org, client):
    from conftest import sign_in

    admin = org.people[Role.ADMINISTRATOR]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    _confirm_all(org)
    period = RetentionPeriod.objects.get(kind=RecordKind.CASE_SIN, outcome=Outcome.NOT_NOTIFIABLE)
    assert period.confirmed and AuditEvent.objects.filter(action="privacy.retention_confirm", object_id=str(period.pk)).exists()
    sign_in(client, admin)
    response = client.post(f"/admin/privacy/retentionperiod/{period.pk}/change/", {"years": "3", "reasoning": period.reasoning})
    assert response.status_code == 302, response.content.decode()[:2000]
    period.refresh_from_db()
    assert (period.years, period.confirmed) == (3, False)
    assert AuditEvent.objects.filter(action="admin.privacy.retentionperiod.change", object_id=str(period.pk)).exists()
    _not_notifiable_years_ago(org, 4)
    assert "0 SIN(s) removed." in _run("retention_purge")


def test_a_bad_day_is_refused_with_a_clear_message():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--today must be a date as YYYY-MM-DD"):
        call_command("retention_report", "--today", "31/12/2030")


def test_an_administrator_places_a_hold_in_the_admin_and_it_is_audited(org, client):
    from conftest import sign_in

    admin = org.people[Role.ADMINISTRATOR]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    incident = _not_notifiable_years_ago(org, 3)
    sign_in(client, admin)
    assert client.get("/admin/privacy/retentionhold/add/").status_code == 200
    response = client.post("/admin/privacy/retentionhold/add/", {"incident": incident.pk, "reason": "Civil claim notified"})
    assert response.status_code == 302, response.content.decode()[:2000]
    hold = RetentionHold.objects.get(incident=incident)
    assert hold.placed_by == admin
    assert AuditEvent.objects.filter(action="admin.privacy.retentionhold.create", object_id=str(hold.pk)).exists()
    _confirm_all(org)
    assert "0 SIN(s) removed." in _run("retention_purge")
