"""The steps the demo takes on its incidents, each as the person whose step it is (incidents.services)."""

from datetime import timedelta

from django.utils import timezone

from incidents import services
from incidents.choices import Kind
from incidents.models import Incident


class IncidentSteps:
    """About a dozen incidents, one or more at every stage, each taken there by the people whose step it is."""

    def __init__(self, people: dict, places: dict):
        self.p = people
        self.places = places
        self.today = timezone.localdate()

    # --- small helpers -----------------------------------------------------

    def _days_ago(self, days: int):
        return self.today - timedelta(days=days)

    def _version(self, incident) -> int:
        return Incident.objects.values_list("version", flat=True).get(pk=incident.pk)

    def _case(
        self,
        author: str,
        team: str,
        *,
        criteria: list[str],
        title: str,
        children: str,
        case_reference: str,
        court: str,
        days_ago: int,
        what_happened: str,
        involvement: str,
        agencies: str = "",
        media: str = "",
        immediate: str = "",
        other_description: str = "",
        submit: bool = True,
    ):
        incident_date = self._days_ago(days_ago)
        data = services.FormData(
            criteria=criteria,
            values={
                "title": title,
                "children": children,
                "case_reference": case_reference,
                "court": court,
                "incident_date": incident_date,
                "aware_date": incident_date + timedelta(days=1),
                "what_happened": what_happened,
                "cafcass_involvement": involvement,
                "other_agencies": agencies,
                "media_risk": media,
                "immediate_actions": immediate,
                "other_description": other_description,
            },
        )
        incident = services.incident_create(actor=self.p[author], kind=Kind.CASE, team=self.places[team], data=data)
        if submit:
            incident = services.incident_submit(actor=self.p[author], incident_id=incident.pk, expected_version=incident.version)
        return incident

    def _non_case(
        self,
        author: str,
        *,
        function: str = "",
        service_area: str = "",
        criteria: list[str],
        title: str,
        days_ago: int,
        what_happened: str,
        immediate: str,
        media: str = "",
    ):
        incident_date = self._days_ago(days_ago)
        data = services.FormData(
            criteria=criteria,
            values={
                "title": title,
                "incident_date": incident_date,
                "aware_date": incident_date,
                "what_happened": what_happened,
                "immediate_actions": immediate,
                "media_risk": media,
            },
        )
        incident = services.incident_create(
            actor=self.p[author],
            kind=Kind.NON_CASE,
            data=data,
            function=self.places[function] if function else None,
            service_area=self.places[service_area] if service_area else None,
        )
        return services.incident_submit(actor=self.p[author], incident_id=incident.pk, expected_version=incident.version)

    def _analyse(self, incident, ad: str, analysis: str, proposal: str = "meets_share"):

        return services.incident_ad_analyse(
            actor=self.p[ad],
            incident_id=incident.pk,
            expected_version=self._version(incident),
            analysis=analysis,
            proposal=proposal,
        )

    def _sign_off(self, incident, od: str, comment: str = ""):

        return services.incident_od_sign_off(
            actor=self.p[od], incident_id=incident.pk, expected_version=self._version(incident), comment=comment
        )

    def _ceo(self, incident, decision: str, rationale: str, **kwargs):

        return services.incident_ceo_decide(
            actor=self.p["elizabeth.hart"],
            incident_id=incident.pk,
            expected_version=self._version(incident),
            decision=decision,
            rationale=rationale,
            **kwargs,
        )

    def _cr1(self, incident, reviewer: str, values: dict):

        return services.case_review_save(
            actor=self.p[reviewer], incident_id=incident.pk, expected_version=self._version(incident), values=values, submit=True
        )

    def _cr1_sign_off(self, incident, od: str, comment: str = ""):

        return services.case_review_sign_off(
            actor=self.p[od], incident_id=incident.pk, expected_version=self._version(incident), comment=comment
        )

    def _final(self, incident, decision: str, rationale: str, **kwargs):

        return services.incident_ceo_final_decide(
            actor=self.p["elizabeth.hart"],
            incident_id=incident.pk,
            expected_version=self._version(incident),
            decision=decision,
            rationale=rationale,
            **kwargs,
        )

    def _action(self, incident, actor: str, owner: str, description: str, due_in_days: int):

        return services.action_add(
            actor=self.p[actor],
            incident_id=incident.pk,
            expected_version=self._version(incident),
            action=services.RequestedAction(
                description=description, owner=self.p[owner], due_date=self.today + timedelta(days=due_in_days)
            ),
        )

    def _update_action(self, action, actor: str, status: str, evidence: str = ""):

        return services.action_update(
            actor=self.p[actor], action_id=action.pk, expected_version=action.version, status=status, evidence=evidence
        )

    def _close(self, incident, actor: str):

        return services.incident_close(actor=self.p[actor], incident_id=incident.pk, expected_version=self._version(incident))

    # --- the incidents -------------------------------------------------------------
