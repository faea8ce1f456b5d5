"""Reads of the cascade (3.5) and of embedding checks (3.6), each in a fixed number of queries.

Learning is read across the organisation (learning.selectors.learning_items_visible_to):
an item's cascade, its alerts and its checks are seen by whoever sees the item.
One visibility function per record type, each built on the item's:
`staff_alerts_visible_to`, `checks_visible_to`. Who has and has not acknowledged
an alert is shown to the L&D leads and to whoever answers for the item.
"""

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from organisation.choices import Role
from organisation.models import CorporateFunction, RoleAssignment, ServiceArea, Team
from organisation.selectors import access_for

from .choices import ItemStatus, Rung
from .models.cascade import AlertRecipient, BulletinEntry, CascadeDecision, MonthlyCascade, SamMeeting, StaffAlert, TeamMeeting
from .models.checks import EmbeddingCheck, Forum, ProgressReview, Recheck
from .selectors import NON_STAFF_ROLES, learning_items_visible_to


def active_staff() -> QuerySet:
    """Every active member of staff: every active person holding an approved staff role (learning.selectors:
    not the Board, the Chair, the PQC or an administrator by that role alone), practitioners included."""
    staff_roles = RoleAssignment.objects.filter(approved_at__isnull=False).exclude(role__in=NON_STAFF_ROLES).values("user_id")
    return get_user_model().objects.filter(is_active=True, pk__in=staff_roles).order_by("last_name", "first_name", "username")


def staff_alerts_visible_to(user) -> QuerySet[StaffAlert]:
    return StaffAlert.objects.filter(item__in=learning_items_visible_to(user))


def checks_visible_to(user) -> QuerySet[EmbeddingCheck]:
    return EmbeddingCheck.objects.filter(item__in=learning_items_visible_to(user))


# --- the cascade page --------------------------------------------------------------------


@dataclass
class Reach:
    """How far the monthly cascade has reached: teams confirmed / teams (and SAMs / service areas)."""

    teams_confirmed: int
    teams: int
    sams_recorded: int
    service_areas: int

    @property
    def percent(self) -> int:
        return round(100 * self.teams_confirmed / self.teams) if self.teams else 0


@dataclass
class CascadeOverview:
    decision: CascadeDecision | None
    monthly: MonthlyCascade | None
    reach: Reach | None
    sams: list = field(default_factory=list)
    team_meetings: list = field(default_factory=list)
    teams_waiting: list = field(default_factory=list)
    alerts: list = field(default_factory=list)
    bulletins: list = field(default_factory=list)


def cascade_overview(item) -> CascadeOverview:
    """The decision, each level of the monthly cascade and its reach, the alerts and the bulletin queue."""
    decision = CascadeDecision.objects.filter(item=item).select_related("decided_by").first()
    overview = CascadeOverview(decision=decision, monthly=None, reach=None)
    if decision is None:
        return overview
    overview.monthly = MonthlyCascade.objects.filter(item=item).select_related("omt_recorded_by").first()
    if overview.monthly is not None:
        overview.sams = list(overview.monthly.sam_meetings.select_related("service_area", "recorded_by"))
        overview.team_meetings = list(overview.monthly.team_meetings.select_related("team", "team__service_area", "confirmed_by"))
        confirmed = {m.team_id for m in overview.team_meetings}
        teams = list(Team.objects.select_related("service_area"))
        overview.teams_waiting = [t for t in teams if t.pk not in confirmed]
        overview.reach = Reach(len(confirmed), len(teams), len(overview.sams), ServiceArea.objects.count())
    overview.alerts = list(
        item.staff_alerts.annotate(
            sent_to=Count("recipients"),
            acknowledged=Count("recipients", filter=Q(recipients__acknowledged_at__isnull=False)),
        ).select_related("sent_by")
    )
    overview.bulletins = list(BulletinEntry.objects.filter(item=item))
    return overview


def alert_recipients(alert: StaffAlert) -> tuple[list, list]:
    """(acknowledged, not yet): the people the alert went to, with when they acknowledged."""
    rows = list(AlertRecipient.objects.filter(alert=alert).select_related("person"))
    return [r for r in rows if r.acknowledged_at], [r for r in rows if not r.acknowledged_at]


def recipient_row(alert: StaffAlert, user) -> AlertRecipient | None:
    return AlertRecipient.objects.filter(alert=alert, person_id=user.pk).first()


def alerts_to_acknowledge(user) -> QuerySet[AlertRecipient]:
    return (
        AlertRecipient.objects.filter(person_id=user.pk, acknowledged_at__isnull=True)
        .select_related("alert")
        .order_by("alert__acknowledge_by", "alert_id")
    )


# --- embedding: agendas, checks, what is due ----------------------------------------------


def check_question(item) -> str:
    """The question each forum asks of an item (3.6)."""
    return (
        f"Is the learning from '{item.title}' embedded in social work or organisational practice in this area? "
        "What shows it: case audits, supervision records, practice observed?"
    )


def checkable_items(user) -> QuerySet:
    from .services.checks import CHECKABLE_RUNGS

    return learning_items_visible_to(user).filter(status=ItemStatus.PUBLISHED, rung__in=CHECKABLE_RUNGS)


@dataclass
class AgendaRow:
    item: object
    question: str
    last_check: EmbeddingCheck | None
    recheck_due: date | None


def agenda(user, *, area, forum: str) -> list[AgendaRow]:
    """The learning a forum in an area is to consider (3.6), with its check question and the last check there."""
    items = list(checkable_items(user).order_by("pk"))
    area_filter = {"service_area": area} if isinstance(area, ServiceArea) else {"function": area}
    last = {}
    for check in EmbeddingCheck.objects.filter(item__in=[i.pk for i in items], forum=forum, **area_filter).order_by(
        "checked_on", "pk"
    ):
        last[check.item_id] = check
    due = dict(
        Recheck.objects.filter(item__in=[i.pk for i in items], done_by_check__isnull=True).values_list("item_id", "due_date")
    )
    return [AgendaRow(item, check_question(item), last.get(item.pk), due.get(item.pk)) for item in items]


def areas_of(user) -> list:
    """The service areas and functions whose checks the person records (3.6)."""
    access = access_for(user)
    return list(ServiceArea.objects.filter(pk__in=access.service_area_ids)) + list(
        CorporateFunction.objects.filter(pk__in=access.function_ids)
    )


def area_from_key(key: str):
    """ "area-3" or "function-2", as the pages name an area; None when it is neither."""
    kind, _, pk = (key or "").partition("-")
    if not pk.isdigit():
        return None
    model = {"area": ServiceArea, "function": CorporateFunction}.get(kind)
    return model.objects.filter(pk=int(pk)).first() if model else None


def area_key(area) -> str:
    return f"{'area' if isinstance(area, ServiceArea) else 'function'}-{area.pk}"


def item_checks(item) -> list[EmbeddingCheck]:
    return list(EmbeddingCheck.objects.filter(item=item).select_related("checked_by", "service_area", "function"))


def embedding_due(user) -> dict:
    """What is due and overdue in the person's areas (3.6): re-checks, first checks and reviews of progress."""
    access = access_for(user)
    mine = (
        Q(item__service_area_id__in=access.service_area_ids)
        | Q(item__function_id__in=access.function_ids)
        | Q(item__responsible_id=user.pk)
    )
    checked_here = Q(scheduled_by_check__service_area_id__in=access.service_area_ids) | Q(
        scheduled_by_check__function_id__in=access.function_ids
    )
    today = timezone.localdate()
    rechecks = list(
        Recheck.objects.filter(done_by_check__isnull=True)
        .filter(mine | checked_here)
        .select_related("item", "scheduled_by_check")
        .order_by("due_date")
    )
    reviews = list(ProgressReview.objects.filter(held_on__isnull=True).filter(mine).select_related("item").order_by("due_date"))
    item_area = (
        Q(service_area_id__in=access.service_area_ids) | Q(function_id__in=access.function_ids) | Q(responsible_id=user.pk)
    )
    first_checks = list(
        learning_items_visible_to(user)
        .filter(item_area, status=ItemStatus.PUBLISHED, rung__in=[Rung.ACTIONS_AGREED, Rung.ACTIONS_DONE])
        .order_by("pk")
    )
    return {
        "today": today,
        "rechecks": rechecks,
        "reviews": reviews,
        "first_checks": first_checks,
        "overdue": sum(1 for r in rechecks + reviews if r.due_date < today),
    }


FORUMS = Forum.choices


def item_link(item, anchor: str = "") -> str:
    return reverse("learning:cascade", args=[item.pk]) + anchor


# --- what the reminder job and the home page collect (settings.SERVICE_FEATURES) -----------


def due_items(horizon):
    """The reminder job's deadlines (alerts.reminders): an alert's acknowledgement, by those who have not;
    a re-check and a review of progress, by whoever answers for the item, escalated to the OD of the region."""
    from alerts.reminders import DueItem

    alerts = (
        StaffAlert.objects.filter(acknowledge_by__lte=horizon, recipients__acknowledged_at__isnull=True)
        .distinct()
        .select_related("sent_by")
    )
    for alert in alerts:
        yield DueItem(
            subject=alert,
            stage="acknowledge",
            due=alert.acknowledge_by,
            to_act=lambda alert=alert: [
                r.person
                for r in alert.recipients.filter(acknowledged_at__isnull=True, person__is_active=True).select_related("person")
            ],
            escalate_to=lambda alert=alert: [alert.sent_by],
            what=f"your acknowledgement of the {alert.get_kind_display().lower()} '{alert.title}'",
        )
    for model, stage, what in (
        (Recheck, "recheck", "a re-check of embedding in practice"),
        (ProgressReview, "progress_review", "a review of progress"),
    ):
        open_rows = model.objects.filter(due_date__lte=horizon).select_related("item", "item__responsible")
        open_rows = open_rows.filter(done_by_check__isnull=True) if model is Recheck else open_rows.filter(held_on__isnull=True)
        for row in open_rows:
            yield DueItem(
                subject=row,
                stage=stage,
                due=row.due_date,
                to_act=lambda row=row: _answering_for(row.item),
                escalate_to=lambda row=row: _escalation(row.item),
                what=what,
            )


def _answering_for(item) -> list:
    from organisation.selectors import people_with_role

    people = [item.responsible] if item.responsible_id else []
    if item.service_area_id:
        people += list(people_with_role(Role.ASSISTANT_DIRECTOR, service_area=item.service_area_id))
    if item.function_id:
        people += list(people_with_role(Role.HEAD_OF_PROFESSION, function=item.function_id))
    return people


def _escalation(item) -> list:
    from organisation.selectors import people_with_role

    if item.service_area_id:
        return list(people_with_role(Role.OPERATIONAL_DIRECTOR, region=item.service_area.region_id))
    return list(people_with_role(Role.CMT_MEMBER))


def home_sections(user) -> list[dict]:
    """The alerts the person has to acknowledge; for an AD or HoP, the checks due in their areas."""
    rows = [
        {
            "reference": r.alert.alert_reference,
            "url": r.alert.get_absolute_url(),
            "what": f"Acknowledge the {r.alert.get_kind_display().lower()}: {r.alert.title}",
            "place": "All staff",
            "due": r.alert.acknowledge_by,
        }
        for r in alerts_to_acknowledge(user)[:50]
    ]
    sections = [
        {
            "title": "Alerts to acknowledge",
            "headings": ["Reference", "Alert", "Sent to", "Acknowledge by"],
            "rows": rows,
            "empty": "You have no alert to acknowledge.",
        }
    ]
    access = access_for(user)
    cascade_rows = _cascade_rows(user, access)
    if cascade_rows is not None:
        sections.append(
            {
                "title": "Cascades to record",
                "headings": ["Reference", "What is needed", "Where", "Due"],
                "rows": cascade_rows[:50],
                "empty": "No cascade is waiting for you.",
            }
        )
    if access.service_area_ids or access.function_ids:
        due = embedding_due(user)
        checks = [
            {
                "reference": getattr(r.item, "alert_reference", "") or r.item.title,
                "url": reverse("learning:checks", args=[r.item_id]),
                "what": f"{'Re-check' if isinstance(r, Recheck) else 'Review progress'}: {r.item.title}",
                "place": "Your area",
                "due": r.due_date,
            }
            for r in sorted(due["rechecks"] + due["reviews"], key=lambda r: r.due_date)
        ]
        checks += [
            {
                "reference": getattr(i, "alert_reference", "") or i.title,
                "url": reverse("learning:checks", args=[i.pk]),
                "what": f"Check in practice: {i.title}",
                "place": "Your area",
                "due": None,
            }
            for i in due["first_checks"]
        ]
        sections.append(
            {
                "title": "Learning to check in practice",
                "headings": ["Reference", "What is needed", "Where", "Due"],
                "rows": checks[:50],
                "empty": "No learning check is due in your area.",
            }
        )
    return sections


def _cascade_rows(user, access) -> list[dict] | None:
    """The monthly cascades waiting for this person's level (L&D lead: the OMT, and alerts still being acknowledged;
    AD: their area's SAM; local manager: their team's meeting). None for people with no level."""
    lead = access.has(Role.LEARNING_LEAD)
    if not (lead or access.service_area_ids or access.team_ids):
        return None
    cascades = MonthlyCascade.objects.filter(item__in=learning_items_visible_to(user)).select_related("item")
    rows = []

    def row(item, what, place):
        return {
            "reference": getattr(item, "alert_reference", "") or item.title,
            "url": reverse("learning:cascade", args=[item.pk]),
            "what": f"{what}: {item.title}",
            "place": place,
            "due": None,
        }

    if lead:
        rows += [row(c.item, "Record the OMT of the monthly cascade", "National") for c in cascades.filter(omt_date__isnull=True)]
        alerts = (
            StaffAlert.objects.filter(item__in=learning_items_visible_to(user))
            .annotate(waiting=Count("recipients", filter=Q(recipients__acknowledged_at__isnull=True)))
            .filter(waiting__gt=0)
            .select_related("item")
        )
        rows += [
            {
                "reference": a.alert_reference,
                "url": a.get_absolute_url(),
                "what": f"{a.waiting} yet to acknowledge: {a.title}",
                "place": "All staff",
                "due": a.acknowledge_by,
            }
            for a in alerts
        ]
    started = list(cascades.filter(omt_date__isnull=False))
    if access.service_area_ids and started:
        done = set(SamMeeting.objects.filter(cascade__in=started).values_list("cascade_id", "service_area_id"))
        areas = list(ServiceArea.objects.filter(pk__in=access.service_area_ids))
        rows += [row(c.item, "Record your SAM", a.name) for c in started for a in areas if (c.pk, a.pk) not in done]
    if access.team_ids and started:
        done = set(TeamMeeting.objects.filter(cascade__in=started).values_list("cascade_id", "team_id"))
        teams = list(Team.objects.filter(pk__in=access.team_ids))
        rows += [row(c.item, "Confirm your team's meeting", t.name) for c in started for t in teams if (c.pk, t.pk) not in done]
    return rows
