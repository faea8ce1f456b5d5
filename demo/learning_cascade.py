"""The demo's cascades (3.5) and checks in practice (3.6), taken by the people whose step each is.

Runs after the learning items are loaded (demo.learning), on the items whose
actions are agreed, oldest first:
- the first: cascaded by the monthly cascade (the OMT, two SAMs, three teams of
  the eighteen confirmed) and a knowledge alert that half the staff have acknowledged;
- the second: a legal alert sent, and queued for the quarterly Serious Incident bulletin;
- the third: checked in an AQR in the North East and found embedded: verified in
  practice, its re-check now overdue (Sarah Whitfield sees it on her home page);
- the fourth: verified at an AQR, then re-checked at a Performance Board: sustained;
- the fifth: found partly embedded at an East Midlands Performance Board, a review of
  progress scheduled.
So the L&D lead, practitioners, ADs and HoPs each find real learning work at home.
"""

from datetime import timedelta

from django.utils import timezone

from actions.choices import ActionKind
from learning.choices import Rung
from learning.models import LearningItem
from learning.models.cascade import CascadeMethod as M
from learning.models.checks import Finding, Forum
from learning.selectors_cascade import active_staff
from learning.services import cascade as cascade, checks as checks
from organisation.models import ServiceArea, Team

CHECKABLE = (Rung.ACTIONS_AGREED, Rung.ACTIONS_DONE)


class DemoLearningCascade:
    def __init__(self, people: dict):
        self.people = people
        self.today = timezone.localdate()

    def _ago(self, days: int):
        return self.today - timedelta(days=days)

    def _decide(self, item, methods, rationale: str):
        action = item.actions.filter(kind=ActionKind.CASCADE).select_related("owner").first()
        owner = action.owner if action else self.people["sophie.lane"]
        return cascade.cascade_decide(actor=owner, item_id=item.pk, methods=methods, rationale=rationale)

    def load(self) -> list:
        items = list(LearningItem.objects.filter(rung__in=CHECKABLE).order_by("pk"))
        steps = [self._monthly_and_knowledge_alert, self._legal_alert, self._verified, self._sustained, self._partly]
        for item, step in zip(items, steps, strict=False):
            step(item)
        return items[: len(steps)]

    def _monthly_and_knowledge_alert(self, item) -> None:
        lead = self.people["sophie.lane"]
        self._decide(
            item,
            [M.MONTHLY_CASCADE, M.KNOWLEDGE_ALERT, M.LD_BULLETIN],
            "Every team needs to discuss this in supervision; a knowledge alert reaches everyone at once.",
        )
        cascade.cascade_omt_record(actor=lead, item_id=item.pk, omt_date=self._ago(20))
        for username, area in (("sarah.whitfield", "North East"), ("james.murray", "North West")):
            cascade.cascade_sam_record(
                actor=self.people[username],
                item_id=item.pk,
                service_area=ServiceArea.objects.get(name=area),
                meeting_date=self._ago(14),
            )
        for username, team in (("hannah.price", "Tyneside 1"), ("fatima.begum", "Teesside 1"), ("david.okafor", "Manchester 1")):
            cascade.cascade_team_confirm(
                actor=self.people[username], item_id=item.pk, team=Team.objects.get(name=team), meeting_date=self._ago(7)
            )
        alert = cascade.staff_alert_send(
            actor=lead,
            item_id=item.pk,
            kind=M.KNOWLEDGE_ALERT,
            title="Checking findings before recommending contact",
            text="Before recommending contact, check whether a finding of fact has been made and what it says. "
            "Record in the case plan how the finding shaped the recommendation.",
        )
        staff = [p for p in active_staff() if p.pk != lead.pk]
        for person in staff[: len(staff) // 2]:
            cascade.staff_alert_acknowledge(actor=person, alert_id=alert.pk)

    def _legal_alert(self, item) -> None:
        self._decide(item, [M.LEGAL_ALERT, M.SI_BULLETIN], "A published judgment changes what courts expect of our reports.")
        cascade.staff_alert_send(
            actor=self.people["sophie.lane"],
            item_id=item.pk,
            kind=M.LEGAL_ALERT,
            title="A judgment on the weight of a child's wishes",
            text="The Court of Appeal has said how a report should set out a child's wishes and feelings. Read the summary on the item.",
        )

    def _check(self, item, username: str, area: str, forum: str, finding: str, days_ago: int, evidence: str):
        return checks.check_record(
            actor=self.people[username],
            item_id=item.pk,
            data=checks.CheckInput(
                forum=forum,
                area=ServiceArea.objects.get(name=area),
                checked_on=self._ago(days_ago),
                finding=finding,
                evidence=evidence,
            ),
        )

    def _verified(self, item) -> None:
        self._decide(item, [M.MONTHLY_CASCADE], "Teams to discuss it at their next meetings.")
        self._check(
            item,
            "sarah.whitfield",
            "North East",
            Forum.AQR,
            Finding.EMBEDDED,
            190,
            "Eight of the ten cases audited in the AQR recorded the finding and how it shaped the plan.",
        )

    def _sustained(self, item) -> None:
        self._decide(item, [M.LD_BULLETIN], "A worked example in the Learning and Development bulletin.")
        self._check(
            item,
            "aisha.rahman",
            "East Midlands",
            Forum.AQR,
            Finding.EMBEDDED,
            200,
            "All six cases audited showed the new chronology template in use.",
        )
        self._check(
            item,
            "aisha.rahman",
            "East Midlands",
            Forum.PERFORMANCE_BOARD,
            Finding.EMBEDDED,
            5,
            "The Performance Board's dip sample of twelve cases: the template is used in every one.",
        )

    def _partly(self, item) -> None:
        self._check(
            item,
            "aisha.rahman",
            "East Midlands",
            Forum.PERFORMANCE_BOARD,
            Finding.PARTLY_EMBEDDED,
            12,
            "Half the teams record the safety plan; the others are still using the old form.",
        )
        checks.progress_review_schedule(actor=item.responsible, item_id=item.pk, due_date=self.today + timedelta(days=28))
