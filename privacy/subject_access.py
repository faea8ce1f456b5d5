"""What the service holds about a named person, for a subject access request (UK GDPR article 15).

One section per kind of record, each a JSON file in the export: the person's
account and roles, what they wrote (SINs, timeline entries, decisions, case
reviews, learning items), what they own or were sent (actions, notifications,
emails), files they uploaded, and the audit trail of what they did and of what
was done to their account. `other_records` lists every other row of any app
that names them (by a foreign key to the person), so nothing is missed as the
service grows. Never exported: password hashes, authenticator keys, token and
code hashes; and, of the SINs they wrote, the child or children, the case
reference and the court (third parties' special category data). Incidents
where they are only mentioned in free text are out of scope: free text is not
searched for names.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import models

from actions.models import Action
from alerts.models import EmailDelivery, Notification
from audit.models import AuditEvent
from documents.models import Attachment
from incidents.models import CaseReview, CeoDecision, Incident, IncidentEvent
from organisation.models import RoleAssignment

# The SIN form's fields that are about others, not the author: left out of the export.
WITHHELD_INCIDENT_FIELDS = ("children", "case_reference", "case_reference_hash", "court")
SIN_TEXT_FIELDS = (
    "title",
    "other_description",
    "what_happened",
    "cafcass_involvement",
    "other_agencies",
    "media_risk",
    "immediate_actions",
    "learning_identified",
)
CR1_TEXT_FIELDS = ("summary", "chronology", "analysis_of_practice", "findings", "learning_identified", "recommendations")


@dataclass
class Section:
    """One kind of record: its file name in the export, its title in the summary, and its rows."""

    name: str
    title: str
    rows: list[dict] = field(default_factory=list)


def _values(obj: models.Model, names) -> dict:
    return {name: getattr(obj, name) for name in names}


def _account(user) -> Section:
    row = _values(
        user,
        [
            "username",
            "first_name",
            "last_name",
            "email",
            "job_title",
            "is_active",
            "is_staff",
            "is_superuser",
            "date_joined",
            "last_login",
        ],
    )
    return Section("account", "The account", [row])


def _roles(user) -> Section:
    rows = [
        {
            "role": a.get_role_display(),
            "place": str(a.team or a.service_area or a.region or a.function or "national"),
            "granted_by": a.granted_by.get_username() if a.granted_by else "",
            "granted_at": a.granted_at,
            "approved_by": a.approved_by.get_username() if a.approved_by else "",
            "approved_at": a.approved_at,
        }
        for a in RoleAssignment.objects.filter(user=user).select_related(
            "team", "service_area", "region", "function", "granted_by", "approved_by"
        )
    ]
    return Section("roles", "Roles held", rows)


def _credentials(user) -> Section:
    """Authenticators, API tokens and set-up codes: when and what for, never a key or a hash."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    rows = [{"kind": "authenticator app", "name": d.name, "confirmed": d.confirmed} for d in TOTPDevice.objects.filter(user=user)]
    rows += [
        {
            "kind": "API token",
            "prefix": t.prefix,
            "purpose": t.purpose,
            "created_at": t.created_at,
            "expires_at": t.expires_at,
            "collected_at": t.collected_at,
            "last_used_at": t.last_used_at,
            "revoked_at": t.revoked_at,
        }
        for t in user.api_tokens.all()
    ]
    rows += [
        {
            "kind": "authenticator set-up code",
            "created_at": c.created_at,
            "expires_at": c.expires_at,
            "used_at": c.used_at,
            "voided_at": c.voided_at,
        }
        for c in user.enrolment_codes.all()
    ]
    return Section("sign_in_credentials", "Authenticators, API tokens and set-up codes (never their keys)", rows)


def _incidents(user) -> Section:
    rows = []
    for incident in Incident.objects.filter(author=user).select_related("team", "service_area", "function").order_by("pk"):
        row = {
            "reference": incident.display_reference,
            "kind": incident.get_kind_display(),
            "stage": incident.get_stage_display(),
            "place": str(incident.place or ""),
            "created_at": incident.created_at,
            "submitted_at": incident.submitted_at,
            "closed_at": incident.closed_at,
            **_values(incident, SIN_TEXT_FIELDS),
            "withheld": "the child or children, the case reference and the court (about other people)",
        }
        rows.append(row)
    return Section("sins_written", "SINs they wrote (the child, case reference and court withheld)", rows)


def _timeline(user) -> Section:
    rows = [
        {
            "reference": e.incident.display_reference,
            "step": e.get_step_display(),
            "at": e.at,
            "from_stage": e.from_stage,
            "to_stage": e.to_stage,
            "text": e.text,
            "proposal": e.get_proposal_display() if e.proposal else "",
        }
        for e in IncidentEvent.objects.filter(actor=user).select_related("incident").order_by("at", "pk")
    ]
    return Section("timeline_entries", "Steps they took on SINs, with what they wrote", rows)


def _decisions(user) -> Section:
    rows = []
    for d in CeoDecision.objects.filter(decided_by=user).select_related("incident").order_by("decided_at", "pk"):
        briefing = getattr(d, "briefing", None)
        rows.append(
            {
                "reference": d.incident.display_reference,
                "decided_at": d.decided_at,
                "final": d.is_final,
                "decision": d.get_decision_display(),
                "rationale": d.rationale,
                "comments": d.comments,
                "briefing": {"audience": briefing.get_audience_display(), "title": briefing.title, "text": briefing.text}
                if briefing
                else None,
            }
        )
    return Section("ceo_decisions", "Decisions they recorded as CEO", rows)


def _case_reviews(user) -> Section:
    rows = []
    reviews = CaseReview.objects.filter(models.Q(reviewer=user) | models.Q(signed_off_by=user) | models.Q(sign_off_by=user))
    for review in reviews.select_related("incident").order_by("pk"):
        parts = [
            part
            for part, who in (
                ("reviewer", review.reviewer_id),
                ("signed it off", review.signed_off_by_id),
                ("named to sign it off", review.sign_off_by_id),
            )
            if who == user.pk
        ]
        row = {
            "reference": review.incident.display_reference,
            "as": parts,
            "status": review.get_status_display(),
            "commissioned_at": review.commissioned_at,
            "submitted_at": review.submitted_at,
            "signed_off_at": review.signed_off_at,
        }
        if review.reviewer_id == user.pk:
            row.update(_values(review, CR1_TEXT_FIELDS))  # what they wrote
        rows.append(row)
    return Section("case_reviews", "Case reviews (CR1) they wrote, signed off or were named to sign off", rows)


def _actions(user) -> Section:
    rows = []
    actions = Action.objects.filter(models.Q(owner=user) | models.Q(created_by=user)).select_related("incident", "learning_item")
    for action in actions.order_by("pk"):
        parts = [part for part, who in (("owner", action.owner_id), ("created it", action.created_by_id)) if who == user.pk]
        rows.append(
            {
                "action": action.pk,
                "of": action.alert_reference,
                "as": parts,
                "created_at": action.created_at,
                "kind": action.get_kind_display(),
                "description": action.description,
                "due_date": action.due_date,
                "status": action.get_status_display(),
                "evidence": action.evidence,
            }
        )
    return Section("actions", "Actions they own or created", rows)


def _notifications(user) -> Section:
    rows = [
        {"at": n.created_at, "about": n.reference, "reason": n.get_reason_display(), "message": n.message, "read_at": n.read_at}
        for n in Notification.objects.filter(recipient=user).order_by("created_at", "pk")
    ]
    return Section("notifications", "Notifications sent to them in the service", rows)


def _emails(user) -> Section:
    deliveries = EmailDelivery.objects.filter(
        models.Q(notification__recipient=user) | models.Q(to_address__iexact=user.email or "-")
    )
    rows = [
        {
            "created_at": e.created_at,
            "to": e.to_address,
            "about": e.reference,
            "subject": e.subject,
            "status": e.get_status_display(),
            "sent_at": e.sent_at,
            "body": e.body_text,
        }
        for e in deliveries.distinct().order_by("created_at", "pk")
    ]
    return Section("emails", "Emails sent to them", rows)


def _attachments(user) -> Section:
    rows = [
        {
            "of": a.incident.display_reference,
            "name": a.original_name,
            "purpose": a.get_purpose_display(),
            "content_type": a.content_type,
            "size": a.size,
            "uploaded_at": a.uploaded_at,
        }
        for a in Attachment.objects.filter(uploaded_by=user).select_related("incident").order_by("pk")
    ]
    return Section("files_uploaded", "Files they attached (listed; the files themselves are on request)", rows)


def _audit(user) -> list[Section]:
    fields = ["sequence", "at", "actor_name", "action", "object_type", "object_id", "object_repr", "ip_address", "changes"]
    mine = AuditEvent.objects.filter(actor=user).order_by("sequence")
    about = (
        AuditEvent.objects.filter(object_type=user._meta.label_lower, object_id=str(user.pk))
        .exclude(actor=user)
        .order_by("sequence")
    )
    return [
        Section(
            "audit_what_they_did",
            "The audit trail of what they did (every read and change, with the address)",
            [_values(e, fields) for e in mine],
        ),
        Section("audit_about_them", "The audit trail of what others did to their account", [_values(e, fields) for e in about]),
    ]


def _learning(user) -> Section:
    from learning.models import LearningItem

    items = LearningItem.objects.filter(models.Q(author=user) | models.Q(responsible=user)).order_by("pk")
    names = [f.name for f in LearningItem._meta.concrete_fields if not f.is_relation and f.name not in ("search_document",)]
    rows = [
        {
            **_values(item, names),
            "as": [part for part, who in (("author", item.author_id), ("responsible", item.responsible_id)) if who == user.pk],
        }
        for item in items
    ]
    return Section("learning_items", "Learning items they wrote or answer for", rows)


COVERED = {
    "organisation.roleassignment.user",
    "incidents.incident.author",
    "incidents.incidentevent.actor",
    "incidents.ceodecision.decided_by",
    "incidents.casereview.reviewer",
    "incidents.casereview.signed_off_by",
    "incidents.casereview.sign_off_by",
    "actions.action.owner",
    "actions.action.created_by",
    "alerts.notification.recipient",
    "documents.attachment.uploaded_by",
    "audit.auditevent.actor",
    "learning.learningitem.author",
    "learning.learningitem.responsible",
    "accounts.apitoken.user",
    "accounts.enrolmentcode.user",
    "otp_totp.totpdevice.user",
}


def _other_records(user) -> Section:
    """Every other row, in any app, that points at the person: which kind, by which field, how many, their ids."""
    rows = []
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            label = f"{model._meta.label_lower}.{f.name}"
            if not f.is_relation or f.related_model is None or label in COVERED:
                continue
            if f.related_model._meta.label_lower != settings.AUTH_USER_MODEL.lower():
                continue
            ids = list(model._default_manager.filter(**{f.name: user}).values_list("pk", flat=True)[:1000])
            if ids:
                rows.append(
                    {
                        "kind": str(model._meta.verbose_name),
                        "model": model._meta.label_lower,
                        "field": f.name,
                        "count": len(ids),
                        "ids": ids,
                    }
                )
    return Section("other_records", "Other records naming them (kind, field and ids; their content on request)", rows)


def subject_access_sections(user) -> list[Section]:
    return [
        _account(user),
        _roles(user),
        _credentials(user),
        _incidents(user),
        _timeline(user),
        _decisions(user),
        _case_reviews(user),
        _actions(user),
        _notifications(user),
        _emails(user),
        _attachments(user),
        _learning(user),
        *_audit(user),
        _other_records(user),
    ]
