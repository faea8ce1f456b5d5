"""The demo's Learning Portal items (source 3, 4.1): learning from every source A-E, at each rung the item's
own services reach, each step taken by the person whose step it is.

- A: the inquest SIN's learning (Nottingham 1), carried by its AD Aisha Rahman (2.7), its identifiers
  removed, published: the three actions of 3.3-3.5 for the L&D and Policy leads;
- B: a safeguarding practice review (NIS), published; one more, an inquest, left a draft (identified);
- C: media coverage of a case in another agency (NIS), published, its actions all done (actions done);
  and a complaint response, published with a stronger action added by the Head of Practice;
- D: a best practice example in the West Midlands, already covered by guidance (no new action);
- E: a published judgement (NIS, the Head of Legal responsible), published;
- a media item closed below "sustained" with its responsible AD's rationale.
demo.learning_cascade then cascades and checks the published ones (verified in practice, sustained).
"""

from datetime import timedelta

from django.utils import timezone

from actions.choices import ActionStatus
from actions.models import Strength
from actions.services import RequestedAction, action_update
from incidents.models import Incident
from learning.models import LearningOrigin, Theme
from learning.services import items
from organisation.models import CorporateFunction, ServiceArea

HEADINGS = {
    "impact_on_child": "The child's wishes and feelings were recorded late and were not reflected in the recommendation.",
    "what_cafcass_did": "The FCA relied on the parents' accounts and the local authority's chronology.",
    "learning_identified": "See the child alone where it is safe to do so, and record what the child said in their words.",
    "how_addressed": "Immediate: team briefing. Longer term: practice guidance and induction training updated.",
}


class DemoLearning:
    def __init__(self, people: dict):
        self.people = people

    def _data(self, title, origin, *, area="", function="", themes=(), covered=False, covered_by="", **headings):
        return items.ItemData(
            title=title,
            origin=LearningOrigin.objects.get(code=origin),
            headings={**HEADINGS, **headings},
            service_area=ServiceArea.objects.get(name=area) if area else None,
            function=CorporateFunction.objects.get(name=function) if function else None,
            themes=list(Theme.objects.filter(code__in=themes)),
            covered_by_guidance=covered,
            covered_by=covered_by,
        )

    def _record(self, author, *args, publish=True, **kwargs):
        item = items.learning_item_create(actor=self.people[author], data=self._data(*args, **kwargs))
        if publish:
            item = items.learning_item_publish(
                actor=self.people[author],
                item_id=item.pk,
                expected_version=item.version,
                confirm_no_identifiers=True,
                all_weaker_reason="Training and guidance reach every FCA first; a check in practice follows at the next AQR.",
            )
        return item

    def load(self) -> list:
        return [self._carried(), *self._reviews(), *self._other_sources()]

    def _carried(self):
        """A: the AD carries the inquest SIN's learning, removes what identifies the young person, publishes."""
        incident = Incident.objects.get(title="Inquest finds learning on information sharing")
        ad = self.people["aisha.rahman"]
        item = items.learning_item_carry(actor=ad, incident_id=incident.pk, action_ids=[])
        data = self._data(
            "Sharing the guardian's analysis with health services",
            "serious-incident",
            area="East Midlands",
            themes=("information-sharing", "multi-agency-working", "mental-health"),
            learning_identified="Share the guardian's final analysis with health services where the care plan relies on them.",
        )
        item = items.learning_item_edit(actor=ad, item_id=item.pk, expected_version=item.version, data=data)
        return items.learning_item_publish(
            actor=ad,
            item_id=item.pk,
            expected_version=item.version,
            confirm_no_identifiers=True,
            all_weaker_reason="The end of proceedings guidance is the route health services see.",
        )

    def _reviews(self) -> list:
        practice_review = self._record(
            "mark.ellison",
            "Safeguarding practice review: a baby's injuries after contact",
            "serious-case-review",
            area="North East",
            themes=("safeguarding", "risk-assessment"),
        )
        inquest = self._record(
            "zoe.turner",
            "Inquest: a father's suicide after a hearing",
            "inquest",
            area="North West",
            themes=("mental-health", "domestic-abuse"),
            publish=False,
        )
        return [practice_review, inquest]

    def _other_sources(self) -> list:
        media = self._record(
            "zoe.turner",
            "National coverage of a missed referral in another agency",
            "media",
            area="South East",
            themes=("information-sharing",),
        )
        for action in media.actions.all():
            action_update(
                actor=action.owner,
                action_id=action.pk,
                expected_version=action.version,
                status=ActionStatus.DONE,
                evidence="Reviewed: nothing to change beyond a briefing note.",
            )
        complaint = self._record(
            "joanna.reid",
            "Complaint response: letters to children in plain English",
            "complaint",
            function="Practice",
            themes=("communication", "voice-of-the-child"),
        )
        complaint.refresh_from_db()
        items.learning_item_action_add(
            actor=self.people["joanna.reid"],
            item_id=complaint.pk,
            expected_version=complaint.version,
            strength=Strength.STRONGER,
            requested=RequestedAction(
                "Replace the letter templates with the plain English versions in the case management system",
                self.people["kwame.asante"],
                timezone.localdate() + timedelta(days=30),
            ),
        )
        best = self._record(
            "aisha.rahman",
            "Best practice: Leicester 1's direct work toolkit",
            "best-practice",
            area="East Midlands",
            themes=("voice-of-the-child",),
            covered=True,
            covered_by="Direct work with children: practice guidance, section 4",
        )
        judgement = self._record(
            "mark.ellison",
            "Published judgement: weight given to a finding of fact",
            "judgement",
            function="Legal",
            themes=("court-work", "domestic-abuse"),
        )
        closed = self._record(
            "emma.clarke", "Media: a hoax story about court advisers", "media", area="South East", themes=("communication",)
        )
        closed.refresh_from_db()
        items.learning_item_close(
            actor=self.people["emma.clarke"],
            item_id=closed.pk,
            expected_version=closed.version,
            rationale="The story was withdrawn within a day; no learning for practice remains.",
        )
        return [media, complaint, best, judgement, closed]
