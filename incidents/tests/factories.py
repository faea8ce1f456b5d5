"""Build an incident at any stage by calling the services as the right people.

    from incidents.tests.factories import incident_at
    incident = incident_at(org, Stage.CASE_REVIEW)            # case-related, team org.team
    incident = incident_at(org, Stage.NOTIFIED, kind="non_case")  # non-case, org.area

Every stage is reached through incidents.services only, so the record, its
timeline, audit events and notifications are what a real walk leaves behind.
`org` is organisation.tests.factories.Org (the root `org` fixture).
"""

from datetime import date, timedelta

from django.utils import timezone

from incidents import services
from incidents.choices import ActionStatus, Decision, Kind, Proposal, Stage
from organisation.choices import Role

CR1_VALUES = {
    "summary": "Summary of the case.",
    "chronology": "Chronology of events.",
    "analysis_of_practice": "Analysis of practice.",
    "findings": "Findings.",
    "learning_identified": "Learning identified.",
    "recommendations": "Recommendations.",
}


def case_form(**overrides) -> services.FormData:
    """A complete case-related SIN form; `criteria=[...]` or any field may be overridden."""
    today = timezone.localdate()
    criteria = overrides.pop("criteria", ["child_seriously_harmed"])
    values = dict(
        title="Serious harm to a child",
        children="A, 4",
        case_reference="ABC123",
        court="Family Court at Newcastle",
        incident_date=today - timedelta(days=3),
        aware_date=today - timedelta(days=2),
        what_happened="What happened.",
        cafcass_involvement="Cafcass involvement.",
        other_agencies="Police.",
        media_risk="Low.",
        immediate_actions="Immediate actions.",
    )
    values.update(overrides)
    return services.FormData(criteria=criteria, values=values)


def non_case_form(**overrides) -> services.FormData:
    today = timezone.localdate()
    criteria = overrides.pop("criteria", ["health_safety"])
    values = dict(
        title="Fire in an office",
        incident_date=today - timedelta(days=1),
        aware_date=today - timedelta(days=1),
        what_happened="What happened.",
        immediate_actions="Immediate actions.",
    )
    values.update(overrides)
    return services.FormData(criteria=criteria, values=values)


def requested_action(owner, *, description="Follow up with the local team", due: date | None = None) -> services.RequestedAction:
    return services.RequestedAction(
        description=description, owner=owner, due_date=due or timezone.localdate() + timedelta(days=30)
    )


def _fresh(incident):
    incident.refresh_from_db()
    return incident


# Stages in the order a case-related walk reaches them (NOT_NOTIFIABLE branches off WITH_OD;
# RETURNED branches off WITH_AD).
CASE_PATH = [
    Stage.DRAFT,
    Stage.WITH_AD,
    Stage.WITH_OD,
    Stage.CASE_REVIEW,
    Stage.CR1_SIGN_OFF,
    Stage.FINAL_DECISION,
    Stage.ACTIONS,
    Stage.CLOSED,
]
NON_CASE_PATH = [Stage.DRAFT, Stage.NOTIFIED, Stage.ACTIONS, Stage.CLOSED]


def incident_at(org, stage, kind="case", *, author=None, data=None, final_decision=Decision.NO_ONWARD):
    """A fresh incident at `stage`, walked there through the services by the right people of `org`.

    Case-related: written by org.people[LOCAL_MANAGER] for org.team (or `author`),
    analysed by the AD, signed off by the OD, CR1 by the NIS reviewer, decisions by the CEO.
    Non-case: written by the AD for org.area. The final decision is `final_decision`
    (no onward sharing by default), with no actions, so ACTIONS can be closed at once.
    """
    stage = Stage(stage)
    p = org.people
    if kind == Kind.NON_CASE:
        if stage not in NON_CASE_PATH:
            raise ValueError(f"A non-case SIN never reaches {stage}")
        author = author or p[Role.ASSISTANT_DIRECTOR]
        incident = services.incident_create(actor=author, kind=Kind.NON_CASE, service_area=org.area, data=data or non_case_form())
        if stage == Stage.DRAFT:
            return _fresh(incident)
        incident = services.incident_submit(actor=author, incident_id=incident.pk, expected_version=incident.version)
        if stage == Stage.NOTIFIED:
            return _fresh(incident)
        _final(org, incident, final_decision)
        incident = _fresh(incident)
        if stage == Stage.ACTIONS:
            return incident
        services.incident_close(actor=p[Role.ASSISTANT_DIRECTOR], incident_id=incident.pk, expected_version=incident.version)
        return _fresh(incident)

    author = author or p[Role.LOCAL_MANAGER]
    incident = services.incident_create(actor=author, kind=Kind.CASE, team=org.team, data=data or case_form())
    if stage == Stage.DRAFT:
        return _fresh(incident)
    incident = services.incident_submit(actor=author, incident_id=incident.pk, expected_version=incident.version)
    if stage == Stage.WITH_AD:
        return _fresh(incident)
    if stage == Stage.RETURNED:
        services.incident_ad_return(
            actor=p[Role.ASSISTANT_DIRECTOR], incident_id=incident.pk, expected_version=incident.version, questions="Which child?"
        )
        return _fresh(incident)
    incident = services.incident_ad_analyse(
        actor=p[Role.ASSISTANT_DIRECTOR],
        incident_id=incident.pk,
        expected_version=incident.version,
        analysis="Analysis.",
        proposal=Proposal.MEETS_SHARE,
    )
    if stage == Stage.WITH_OD:
        return _fresh(incident)
    od = p[Role.OPERATIONAL_DIRECTOR]
    if stage == Stage.NOT_NOTIFIABLE:
        services.incident_od_not_notifiable(
            actor=od, incident_id=incident.pk, expected_version=incident.version, rationale="Does not meet the criteria."
        )
        return _fresh(incident)
    incident = services.incident_od_sign_off(actor=od, incident_id=incident.pk, expected_version=incident.version)
    if stage == Stage.CASE_REVIEW:
        return _fresh(incident)
    services.case_review_save(
        actor=p[Role.NIS_REVIEWER],
        incident_id=incident.pk,
        expected_version=incident.version,
        values=dict(CR1_VALUES),
        submit=True,
    )
    incident = _fresh(incident)
    if stage == Stage.CR1_SIGN_OFF:
        return incident
    services.case_review_sign_off(actor=od, incident_id=incident.pk, expected_version=incident.version)
    incident = _fresh(incident)
    if stage == Stage.FINAL_DECISION:
        return incident
    _final(org, incident, final_decision)
    incident = _fresh(incident)
    if stage == Stage.ACTIONS:
        return incident
    if stage != Stage.CLOSED:
        raise ValueError(f"A case-related SIN never reaches {stage}")
    services.incident_close(actor=p[Role.ASSISTANT_DIRECTOR], incident_id=incident.pk, expected_version=incident.version)
    return _fresh(incident)


def _final(org, incident, decision):
    sharing = decision in (Decision.SHARE_BOARD, Decision.SHARE_CHAIR)
    services.incident_ceo_final_decide(
        actor=org.people[Role.CEO],
        incident_id=incident.pk,
        expected_version=incident.version,
        decision=decision,
        rationale="Rationale.",
        briefing_title="Briefing" if sharing else "",
        briefing_text="Briefing text." if sharing else "",
    )


def finish_actions(org, incident, status=ActionStatus.DONE):
    """Mark every open action of `incident` done (with evidence) by the accountable AD."""
    for action in incident.actions.exclude(status__in=[ActionStatus.DONE, ActionStatus.CARRIED]):
        services.action_update(
            actor=org.people[Role.ASSISTANT_DIRECTOR],
            action_id=action.pk,
            expected_version=action.version,
            status=status,
            evidence="Evidence.",
        )
    return _fresh(incident)
