"""The cascade's steps (3.5) and each refusal: who may, in what state, and what each leaves behind."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from actions.choices import ActionKind, ActionStatus
from alerts.models import EmailDelivery, Notification
from alerts.reminders import reminders_send
from audit.models import AuditEvent
from core.exceptions import NotAllowed, WrongStage
from learning.models.cascade import AlertRecipient, BulletinEntry, CascadeDecision, CascadeMethod, StaffAlert, TeamMeeting
from learning.selectors_cascade import active_staff, cascade_overview
from learning.services import cascade as services
from organisation.choices import Role

from .test_cascade_world import more_teams, practitioners, published_item

pytestmark = pytest.mark.django_db
M = CascadeMethod
TODAY = timezone.localdate()


@pytest.fixture
def item(org):
    return published_item(org)


def _decide(org, item, *methods):
    return services.cascade_decide(
        actor=org.people[Role.LEARNING_LEAD], item_id=item.pk, methods=list(methods), rationale="Reaches everyone."
    )


def test_the_cascade_actions_owner_agrees_one_or_more_methods_and_the_action_is_done(org, item):
    decision = _decide(org, item, M.MONTHLY_CASCADE, M.KNOWLEDGE_ALERT, M.SI_BULLETIN)
    assert decision.method_labels == [
        "The monthly cascade from OMT to SAM to team meeting",
        "An all user 'knowledge alert'",
        "Inclusion in the quarterly Serious Incident bulletin",
    ]
    action = item.actions.get(kind=ActionKind.CASCADE)
    assert action.status == ActionStatus.DONE and "knowledge alert" in action.evidence
    assert list(BulletinEntry.objects.filter(item=item).values_list("bulletin", "status")) == [(M.SI_BULLETIN, "queued")]
    assert cascade_overview(item).monthly is not None
    assert AuditEvent.objects.filter(action="learning.cascade_decide").count() == 1


def test_the_words_of_3_5_are_the_choices():
    assert [label for _, label in CascadeMethod.choices] == [
        "The monthly cascade from OMT to SAM to team meeting",
        "An all user 'knowledge alert'",
        "An all user 'legal alert'",
        "Inclusion in the monthly Learning and Development bulletin",
        "Inclusion in the quarterly Serious Incident bulletin",
    ]


def test_a_decision_needs_a_method_and_is_taken_once(org, item):
    with pytest.raises(ValidationError) as error:
        _decide(org, item)
    assert "methods" in error.value.message_dict
    with pytest.raises(ValidationError):
        _decide(org, item, "carrier_pigeon")
    _decide(org, item, M.LD_BULLETIN)
    with pytest.raises(WrongStage):
        _decide(org, item, M.LEGAL_ALERT)
    assert CascadeDecision.objects.get(item=item).methods == [M.LD_BULLETIN]


@pytest.mark.parametrize("role", [Role.ASSISTANT_DIRECTOR, Role.CEO, Role.LOCAL_MANAGER, Role.ADMINISTRATOR])
def test_only_the_cascade_actions_owner_decides(org, item, role):
    with pytest.raises(NotAllowed):
        services.cascade_decide(actor=org.people[role], item_id=item.pk, methods=[M.LD_BULLETIN])
    assert not CascadeDecision.objects.filter(item=item).exists()


def test_the_monthly_cascade_is_recorded_level_by_level_and_its_reach_shown(org, item):
    _decide(org, item, M.MONTHLY_CASCADE)
    more_teams(org, 2)  # three teams in North East, one in South West: five in all with Org's
    lead, ad, lm = org.people[Role.LEARNING_LEAD], org.people[Role.ASSISTANT_DIRECTOR], org.people[Role.LOCAL_MANAGER]
    with pytest.raises(WrongStage):  # the SAM follows the OMT
        services.cascade_sam_record(actor=ad, item_id=item.pk, service_area=org.area, meeting_date=TODAY)
    services.cascade_omt_record(actor=lead, item_id=item.pk, omt_date=TODAY - timedelta(days=7))
    services.cascade_sam_record(actor=ad, item_id=item.pk, service_area=org.area, meeting_date=TODAY - timedelta(days=3))
    services.cascade_team_confirm(actor=lm, item_id=item.pk, team=org.team, meeting_date=TODAY - timedelta(days=1))
    reach = cascade_overview(item).reach
    assert (reach.teams_confirmed, reach.teams, reach.sams_recorded, reach.service_areas) == (1, 4, 1, 2)
    assert reach.percent == 25


def test_each_level_refuses_the_wrong_person_and_a_second_record(org, item):
    _decide(org, item, M.MONTHLY_CASCADE)
    lead, ad, lm = org.people[Role.LEARNING_LEAD], org.people[Role.ASSISTANT_DIRECTOR], org.people[Role.LOCAL_MANAGER]
    with pytest.raises(NotAllowed):
        services.cascade_omt_record(actor=ad, item_id=item.pk, omt_date=TODAY)
    services.cascade_omt_record(actor=lead, item_id=item.pk, omt_date=TODAY)
    with pytest.raises(ValidationError) as error:
        services.cascade_omt_record(actor=lead, item_id=item.pk, omt_date=TODAY)
    assert "omt_date" in error.value.message_dict
    with pytest.raises(NotAllowed):  # another area's AD
        services.cascade_sam_record(
            actor=org.other[Role.ASSISTANT_DIRECTOR], item_id=item.pk, service_area=org.area, meeting_date=TODAY
        )
    with pytest.raises(NotAllowed):  # another team's manager
        services.cascade_team_confirm(actor=org.other[Role.LOCAL_MANAGER], item_id=item.pk, team=org.team, meeting_date=TODAY)
    services.cascade_team_confirm(actor=lm, item_id=item.pk, team=org.team, meeting_date=TODAY)
    with pytest.raises(ValidationError) as error:
        services.cascade_team_confirm(actor=lm, item_id=item.pk, team=org.team, meeting_date=TODAY)
    assert error.value.message_dict["team"] == ["The team meeting of Newcastle 1 was confirmed already"]
    assert TeamMeeting.objects.count() == 1


def test_dates_of_the_levels_are_checked(org, item):
    _decide(org, item, M.MONTHLY_CASCADE)
    lead, lm = org.people[Role.LEARNING_LEAD], org.people[Role.LOCAL_MANAGER]
    with pytest.raises(ValidationError) as error:
        services.cascade_omt_record(actor=lead, item_id=item.pk, omt_date=TODAY + timedelta(days=1))
    assert error.value.message_dict["omt_date"] == ["The date of the OMT meeting must be today or in the past"]
    with pytest.raises(ValidationError) as error:
        services.cascade_omt_record(actor=lead, item_id=item.pk, omt_date=None)
    assert error.value.message_dict["omt_date"] == ["Enter the date of the OMT meeting"]
    services.cascade_omt_record(actor=lead, item_id=item.pk, omt_date=TODAY - timedelta(days=2))
    with pytest.raises(ValidationError) as error:
        services.cascade_team_confirm(actor=lm, item_id=item.pk, team=org.team, meeting_date=TODAY - timedelta(days=5))
    assert "meeting_date" in error.value.message_dict


def test_no_level_is_recorded_unless_the_monthly_cascade_was_chosen(org, item):
    with pytest.raises(WrongStage):
        services.cascade_omt_record(actor=org.people[Role.LEARNING_LEAD], item_id=item.pk, omt_date=TODAY)
    _decide(org, item, M.KNOWLEDGE_ALERT)
    with pytest.raises(WrongStage):
        services.cascade_omt_record(actor=org.people[Role.LEARNING_LEAD], item_id=item.pk, omt_date=TODAY)


def _send(org, item, kind=M.KNOWLEDGE_ALERT):
    return services.staff_alert_send(
        actor=org.people[Role.LEARNING_LEAD],
        item_id=item.pk,
        kind=kind,
        title="Checking contact after a finding",
        text="Before recommending contact, check the finding.",
    )


def test_a_knowledge_alert_goes_to_every_active_member_of_staff_in_app_and_by_email(org, item):
    _decide(org, item, M.KNOWLEDGE_ALERT)
    team_staff = {p.username for p in practitioners(org, 3)}
    org.people[Role.CMT_MEMBER].__class__.objects.filter(username="other_local_manager").update(is_active=False)
    alert = _send(org, item)
    staff = set(active_staff().values_list("username", flat=True))
    # Not the Board, the Chair, the PQC, an administrator by that role, someone with no role, or someone who has left.
    assert {"board_member", "chair", "pqc_member", "administrator", "no_role", "other_local_manager"}.isdisjoint(staff)
    assert team_staff | {"learning_lead", "assistant_director", "local_manager", "practitioner"} <= staff
    assert set(alert.recipients.values_list("person__username", flat=True)) == staff
    notifications = Notification.objects.filter(staff_alert=alert)
    assert notifications.count() == len(staff) - 1  # the sender is not told of their own alert
    assert EmailDelivery.objects.filter(staff_alert=alert).count() == len(staff) - 1
    assert "acknowledge" in EmailDelivery.objects.filter(staff_alert=alert).first().body_text


def test_an_alert_is_sent_only_when_the_cascade_chose_it_and_only_once(org, item):
    with pytest.raises(WrongStage):
        _send(org, item)
    _decide(org, item, M.KNOWLEDGE_ALERT)
    with pytest.raises(ValidationError) as error:
        _send(org, item, kind=M.LEGAL_ALERT)
    assert error.value.message_dict["kind"] == ["The cascade agreed for this learning does not include a legal alert"]
    _send(org, item)
    with pytest.raises(ValidationError) as error:
        _send(org, item)
    assert "sent already" in error.value.message_dict["kind"][0]
    with pytest.raises(NotAllowed):
        services.staff_alert_send(
            actor=org.people[Role.ASSISTANT_DIRECTOR], item_id=item.pk, kind=M.LEGAL_ALERT, title="t", text="t"
        )
    with pytest.raises(ValidationError) as error:
        services.staff_alert_send(actor=org.people[Role.LEARNING_LEAD], item_id=item.pk, kind=M.LEGAL_ALERT, title=" ", text="")
    assert set(error.value.message_dict) == {"title", "text"}
    assert StaffAlert.objects.count() == 1


def test_each_person_acknowledges_once_and_a_stranger_is_refused(org, item):
    _decide(org, item, M.KNOWLEDGE_ALERT)
    alert = _send(org, item)
    lm = org.people[Role.LOCAL_MANAGER]
    assert services.staff_alert_acknowledge(actor=lm, alert_id=alert.pk) is True
    assert services.staff_alert_acknowledge(actor=lm, alert_id=alert.pk) is False
    acknowledged = AlertRecipient.objects.filter(alert=alert, acknowledged_at__isnull=False)
    assert set(acknowledged.values_list("person__username", flat=True)) == {
        "learning_lead",
        lm.username,
    }  # the sender read it as sent
    assert Notification.objects.get(staff_alert=alert, recipient=lm).read_at is not None
    with pytest.raises(NotAllowed):  # a Board member: the alert did not go to them
        services.staff_alert_acknowledge(actor=org.people[Role.BOARD_MEMBER], alert_id=alert.pk)


def test_those_who_have_not_acknowledged_are_reminded(org, item, settings):
    settings.SERVICE_FEATURES = {**settings.SERVICE_FEATURES, "due_items": ["learning.selectors_cascade.due_items"]}
    _decide(org, item, M.KNOWLEDGE_ALERT)
    alert = _send(org, item)
    lm, ad = org.people[Role.LOCAL_MANAGER], org.people[Role.ASSISTANT_DIRECTOR]
    services.staff_alert_acknowledge(actor=lm, alert_id=alert.pk)
    before = set(Notification.objects.values_list("pk", flat=True))
    assert reminders_send(today=alert.acknowledge_by) == 1
    reminded = set(Notification.objects.exclude(pk__in=before).values_list("recipient__username", flat=True))
    assert ad.username in reminded and lm.username not in reminded
    assert reminders_send(today=alert.acknowledge_by) == 0  # once only
