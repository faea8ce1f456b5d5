"""Reads of incidents. `incidents_visible_to(user)` is the one place that decides who sees what.

Every list, detail page, export, search and API endpoint starts from it
(DESIGN.md, "read the whole record"):
- the author, the local manager of the team, the AD of the service area, the
  OD of the region, the Head of Profession of the function: their place;
- Core CMT and the CEO: every incident once CMT has been alerted;
- NIS reviewers: every incident whose case review has been commissioned;
- the Operational Service Director an administrator named to sign off a CR1
  (2.5): the incident whose CR1 they sign off. Whoever a rule lets act reads
  what they act on (an action's owner reads the action alone: `actions_visible_to`).
Board members and the Chair read briefings only (`briefings_visible_to`).
An administrator reads no incident by virtue of that role.
"""

from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse

from actions.selectors import actions_awaiting, actions_visible_to
from organisation.choices import Role
from organisation.selectors import access_for

from .choices import EDITABLE_STAGES, Audience, Stage
from .models import Action, Briefing, CaseReview, CeoDecision, Incident, IncidentEvent

__all__ = ["actions_awaiting", "actions_visible_to"]  # the actions app's, read by the SIN pages and API


def incidents_visible_to(user) -> QuerySet[Incident]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Incident.objects.none()
    access = access_for(user)
    condition = Q(author_id=user.pk)
    if access.team_ids:
        condition |= Q(team_id__in=access.team_ids)
    if access.service_area_ids:
        condition |= Q(service_area_id__in=access.service_area_ids)
    if access.region_ids:
        condition |= Q(region_id__in=access.region_ids)
    if access.function_ids:
        condition |= Q(function_id__in=access.function_ids)
    if access.has(Role.CMT_MEMBER, Role.CEO):
        condition |= Q(notified_at__isnull=False)
    if access.has(Role.NIS_REVIEWER):
        condition |= Q(review_commissioned_at__isnull=False)
    condition |= Q(case_review__sign_off_by_id=user.pk)
    return Incident.objects.filter(condition)


def incident_list(user) -> QuerySet[Incident]:
    """Visible incidents with what a list row shows, in a fixed number of queries."""
    return (
        incidents_visible_to(user)
        .select_related("team", "service_area", "region", "function", "author")
        .prefetch_related("criteria")
    )


def incident_detail(user, pk: int) -> Incident:
    """One visible incident with everything the detail page shows; Http404 outside the person's scope."""
    from django.shortcuts import get_object_or_404

    queryset = (
        incident_list(user)
        .select_related("case_review", "case_review__reviewer", "case_review__signed_off_by", "case_review__sign_off_by")
        # The learning item the SIN's learning was carried into (2.7), by the Learning Portal's reverse relation.
        .annotate(learning_item_id=Min("learning_items__id"))
        .prefetch_related(
            Prefetch("events", queryset=IncidentEvent.objects.select_related("actor")),
            Prefetch("decisions", queryset=CeoDecision.objects.select_related("decided_by", "briefing")),
            Prefetch("actions", queryset=Action.objects.select_related("owner")),
            "submitted_versions",
        )
    )
    incident = get_object_or_404(queryset, pk=pk)
    try:
        incident.review = incident.case_review
    except CaseReview.DoesNotExist:
        incident.review = None
    return incident


def latest_resubmission(incident: Incident, form: str) -> dict | None:
    """The last submission of `form` when it answered a return: the return, the answer (the
    resubmission's event) and what changed since the version that was returned (2.2, 2.5)."""
    from .choices import Step
    from .models import SubmittedVersion
    from .versions import changes_between

    versions = list(
        SubmittedVersion.objects.filter(incident=incident, form=form)
        .select_related("event", "event__actor")
        .order_by("-number")[:2]
    )
    if len(versions) < 2:
        return None
    current, previous = versions
    return_step = Step.AD_RETURN if form == SubmittedVersion.Form.SIN else Step.CR1_RETURN
    returned = (
        IncidentEvent.objects.filter(incident=incident, step=return_step, pk__lt=current.event_id)
        .select_related("actor")
        .order_by("-pk")
        .first()
    )
    return {
        "returned": returned,
        "answer": current.event,
        "previous": previous,
        "version": current,
        "changes": changes_between(previous, current),
    }


def briefings_visible_to(user) -> QuerySet[Briefing]:
    """Board members read what was shared with the Board; the Chair also reads "Chair only"."""
    access = access_for(user)
    audiences = []
    if access.has(Role.BOARD_MEMBER, Role.CHAIR):
        audiences.append(Audience.BOARD)
    if access.has(Role.CHAIR):
        audiences.append(Audience.CHAIR)
    return Briefing.objects.filter(audience__in=audiences).select_related("incident")


def awaiting_action_filter(user) -> Q:
    """The incidents at a stage where this person is the one who must act next."""
    access = access_for(user)
    condition = Q(stage__in=EDITABLE_STAGES, author_id=user.pk)
    if access.service_area_ids:
        areas = Q(service_area_id__in=access.service_area_ids)
        condition |= Q(stage=Stage.WITH_AD) & areas
        condition |= Q(stage=Stage.ACTIONS) & areas
    if access.function_ids:
        condition |= Q(stage=Stage.ACTIONS, function_id__in=access.function_ids)
    if access.region_ids:
        condition |= Q(stage=Stage.WITH_OD, region_id__in=access.region_ids)
        condition |= Q(
            stage=Stage.CR1_SIGN_OFF,
            region_id__in=access.region_ids,
            case_review__sign_off_by__isnull=True,
        )
    condition |= Q(stage=Stage.CR1_SIGN_OFF, case_review__sign_off_by_id=user.pk)
    if access.has(Role.NIS_REVIEWER):
        condition |= Q(stage=Stage.CASE_REVIEW)
    if access.has(Role.CEO):
        condition |= Q(stage__in=[Stage.FINAL_DECISION, Stage.NOTIFIED])
        condition |= Q(stage__in=CEO_FIRST_DECISION_STAGES) & ~Exists(CeoDecision.objects.filter(incident=OuterRef("pk")))
    return condition


# After sign-off the CEO records a decision (2.4), or decides to await the case review:
# until a first decision is on record, the SIN waits for them as well as for NIS.
CEO_FIRST_DECISION_STAGES = (Stage.CASE_REVIEW, Stage.CR1_SIGN_OFF)
CEO_FIRST_DECISION = (
    "Your decision: share with the Board or the Chair only, ask the local team for further action, or await the case review"
)


def incidents_awaiting_action(user) -> QuerySet[Incident]:
    return incident_list(user).filter(awaiting_action_filter(user)).order_by("stage_due", "created_at")


def home_sections_for(user) -> list[dict]:
    from .workflow import next_step_label

    incidents = list(incidents_awaiting_action(user)[:50])
    # A learning item's actions are the Learning Portal's rows (settings.SERVICE_FEATURES["home_sections"]).
    actions = list(actions_awaiting(user).filter(incident__isnull=False)[:50])
    readable = set(incidents_visible_to(user).filter(pk__in=[a.incident_id for a in actions]).values_list("pk", flat=True))
    access = access_for(user)
    # A CEO (who is not also an NIS reviewer) has these rows for their first decision, not for the CR1.
    ceo_first = access.has(Role.CEO) and not access.has(Role.NIS_REVIEWER)

    def awaiting_row(incident) -> dict:
        first_decision = ceo_first and incident.stage in CEO_FIRST_DECISION_STAGES
        return {
            "reference": incident.display_reference,
            "url": incident.get_absolute_url(),
            "what": CEO_FIRST_DECISION if first_decision else next_step_label(incident),
            "place": incident.place,
            "due": None if first_decision else incident.stage_due,
        }

    sections = [
        {
            "title": "Incidents awaiting your action",
            "headings": ["Reference", "What is needed", "Where", "Due"],
            "rows": [awaiting_row(incident) for incident in incidents],
            "empty": "No incident is waiting for you.",
        },
        {
            "title": "Actions you own",
            "headings": ["Reference", "Action", "Where", "Due"],
            "rows": [
                {
                    "reference": action.incident.display_reference,
                    "url": action.incident.get_absolute_url() + "#actions"
                    if action.incident_id in readable
                    else reverse("actions:edit", args=[action.pk]),
                    "what": action.description,
                    "place": action.incident.place,
                    "due": action.due_date,
                }
                for action in actions
            ],
            "empty": "You own no open action.",
        },
    ]
    if access.has(Role.BOARD_MEMBER, Role.CHAIR):
        briefings = list(briefings_visible_to(user)[:20])
        sections.append(
            {
                "title": "Briefings shared with you",
                "headings": ["Reference", "Briefing", "Shared with"],
                "rows": [
                    {
                        "reference": b.incident.display_reference,
                        "url": b.get_absolute_url(),
                        "what": b.title,
                        "place": b.get_audience_display(),
                        "due": None,
                    }
                    for b in briefings
                ],
                "empty": "No briefing has been shared with you.",
            }
        )
    return sections


def incident_counts_by_stage(user) -> dict[str, int]:
    return dict(incidents_visible_to(user).values_list("stage").annotate(n=Count("id")).values_list("stage", "n"))


def action_owners_for(incident: Incident):
    """People an action can be given to: those who work on this incident's place, and the central teams."""
    from django.contrib.auth import get_user_model

    place = Q(role_assignments__team=incident.team_id) if incident.team_id else Q(pk__in=[])
    if incident.service_area_id:
        place |= Q(role_assignments__service_area=incident.service_area_id)
    if incident.region_id:
        place |= Q(role_assignments__region=incident.region_id)
    if incident.function_id:
        place |= Q(role_assignments__function=incident.function_id)
    place |= Q(role_assignments__role__in=[Role.LEARNING_LEAD, Role.NIS_REVIEWER])
    # One filter: the place and the approval are of the same role (a role awaiting approval counts for nothing).
    return (
        get_user_model()
        .objects.filter(place & Q(role_assignments__approved_at__isnull=False), is_active=True)
        .distinct()
        .order_by("last_name", "first_name")
    )


def people_to_act(incident: Incident):
    """Who must take the step awaited now."""
    from organisation.selectors import people_with_role

    stage = incident.stage
    if stage in EDITABLE_STAGES:
        return [incident.author]
    if stage == Stage.WITH_AD:
        return people_with_role(Role.ASSISTANT_DIRECTOR, service_area=incident.service_area_id)
    if stage == Stage.WITH_OD:
        return people_with_role(Role.OPERATIONAL_DIRECTOR, region=incident.region_id)
    if stage == Stage.CASE_REVIEW:
        review = CaseReview.objects.filter(incident=incident).select_related("reviewer").first()
        return [review.reviewer] if review and review.reviewer else people_with_role(Role.NIS_REVIEWER)
    if stage == Stage.CR1_SIGN_OFF:
        review = CaseReview.objects.filter(incident=incident).select_related("sign_off_by").first()
        if review and review.sign_off_by:
            return [review.sign_off_by]
        return people_with_role(Role.OPERATIONAL_DIRECTOR, region=incident.region_id)
    if stage in (Stage.FINAL_DECISION, Stage.NOTIFIED):
        return people_with_role(Role.CEO)
    if stage == Stage.ACTIONS:
        if incident.service_area_id:
            return people_with_role(Role.ASSISTANT_DIRECTOR, service_area=incident.service_area_id)
        return people_with_role(Role.HEAD_OF_PROFESSION, function=incident.function_id)
    return []


def escalation_recipients(incident: Incident) -> list:
    """The next level up from whoever must act now: local manager > AD > OD > Core CMT.

    A level with nobody in post passes the escalation to the level above, so an
    overdue step always reaches someone.
    """
    from organisation.selectors import people_with_role

    stage = incident.stage
    levels = []
    if stage in EDITABLE_STAGES:
        if incident.team_id and incident.service_area_id:
            author_is_ad = incident.service_area_id in access_for(incident.author).service_area_ids
            if not author_is_ad:
                levels.append(people_with_role(Role.ASSISTANT_DIRECTOR, service_area=incident.service_area_id))
        if incident.region_id:
            levels.append(people_with_role(Role.OPERATIONAL_DIRECTOR, region=incident.region_id))
    elif stage in (Stage.WITH_AD, Stage.ACTIONS) and incident.region_id:
        levels.append(people_with_role(Role.OPERATIONAL_DIRECTOR, region=incident.region_id))
    levels.append(people_with_role(Role.CMT_MEMBER))
    return _first_level_in_post(levels)


def action_escalation_recipients(action: Action) -> list:
    """Who hears of an overdue action: the AD accountable (2.7), or the Head of Profession of a
    corporate function; the OD when that is the owner or nobody is in post; Core CMT last."""
    from organisation.selectors import people_with_role

    incident = action.incident
    levels = []
    if incident.service_area_id:
        levels.append(people_with_role(Role.ASSISTANT_DIRECTOR, service_area=incident.service_area_id))
    elif incident.function_id:
        levels.append(people_with_role(Role.HEAD_OF_PROFESSION, function=incident.function_id))
    if incident.region_id:
        levels.append(people_with_role(Role.OPERATIONAL_DIRECTOR, region=incident.region_id))
    levels.append(people_with_role(Role.CMT_MEMBER))
    return _first_level_in_post(levels, leaving_out=action.owner_id)


def _first_level_in_post(levels, leaving_out=None) -> list:
    for people in levels:
        people = [person for person in people if person.pk != leaving_out]
        if people:
            return people
    return []
