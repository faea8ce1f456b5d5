"""The demo's incidents: one or more at every stage, each taken there by the people whose step it is.

Made by calling incidents.services as the right people, so the timelines,
audit trail and notifications are exactly what real use would leave behind.
"""

from incidents import services
from incidents.choices import Kind

from .incident_steps import IncidentSteps


class DemoIncidents(IncidentSteps):
    """About a dozen incidents, one or more at every stage, each taken there by the people whose step it is."""

    def load(self) -> list:
        """Every incident of the demo, in the order they were written."""
        return [
            *self._before_the_ad(),
            *self._with_the_ad(),
            *self._with_directors(),
            *self._more_with_directors(),
            *self._not_notifiable(),
            *self._under_review(),
            *self._cr1_awaiting_sign_off(),
            *self._after_review(),
            *self._actions_under_way(),
            *self._case_actions_under_way(),
            *self._non_case_and_closed(),
            *self._closed(),
            *self._closed_non_case(),
            *self._non_case_drafts(),
        ]

    def _before_the_ad(self) -> list:
        made = []

        # Draft: the local manager has started the form and will come back to it.
        made.append(
            self._case(
                "hannah.price",
                "Tyneside 1",
                criteria=["child_missing"],
                submit=False,
                title="Child missing from foster placement overnight",
                children="K.L., 14",
                case_reference="NE26C00412",
                court="Newcastle Family Court",
                days_ago=1,
                what_happened="K.L. did not return to the foster placement after school and was found by police the next morning.",
                involvement="Children's guardian appointed in public law proceedings; final hearing listed next month.",
            )
        )

        # Returned: the AD has questions for the author.
        returned = self._case(
            "david.okafor",
            "Manchester 1",
            criteria=["adult_party_death"],
            title="Death of a parent in open private law proceedings",
            children="R.T., 6; S.T., 3",
            case_reference="NW26P01877",
            court="Manchester Family Court",
            days_ago=6,
            what_happened="The children's mother died at home. Police are treating the death as unexplained.",
            involvement="Section 7 report in preparation; the family court adviser last saw the children two weeks ago.",
            agencies="Greater Manchester Police; children's social care.",
            immediate="Manager informed the court and spoke to the father.",
        )
        services.incident_ad_return(
            actor=self.p["james.murray"],
            incident_id=returned.pk,
            expected_version=self._version(returned),
            questions="Please add the date of the last home visit and whether domestic abuse was raised in the application.",
        )
        made.append(returned)

        return made

    def _with_the_ad(self) -> list:
        """Submitted, awaiting the AD."""
        made = []

        # With the AD: submitted, awaiting analysis and proposal.
        made.append(
            self._case(
                "priya.shah",
                "Nottingham 1",
                criteria=["child_seriously_harmed"],
                title="Infant admitted to hospital with unexplained injuries",
                children="A.B., 9 months",
                case_reference="EM26C00931",
                court="Nottingham Family Court",
                days_ago=3,
                what_happened="A.B. was admitted with a fractured arm and bruising; the explanation given does not fit the injuries.",
                involvement="Children's guardian in care proceedings issued in the spring; interim care order at home with a safety plan.",
                agencies="Local authority children's services; hospital safeguarding team; police.",
                immediate="Guardian attended the strategy meeting; urgent hearing requested.",
            )
        )

        return made

    def _with_directors(self) -> list:
        """Waiting for an Operational Director, or recorded as not notifiable."""
        made = []

        # With the OD: the AD has analysed it.
        with_od = self._case(
            "tom.griffiths",
            "Birmingham 1",
            criteria=["rapid_review"],
            title="Rapid review initiated after a serious injury",
            children="M.J., 4",
            case_reference="WM26C01420",
            court="Birmingham Family Court",
            days_ago=8,
            what_happened="The safeguarding partnership has initiated a rapid review following a serious injury to M.J.",
            involvement="Cafcass worked with the family in private law proceedings that concluded last year.",
            agencies="Safeguarding partnership; health visiting service.",
            immediate="Case records secured; practice manager review started.",
        )
        self._analyse(
            with_od,
            "michael.byrne",
            "Cafcass was involved within the review period; our practice will be examined. Meets the criteria.",
        )
        made.append(with_od)

        return made

    def _more_with_directors(self) -> list:
        """A second SIN with an AD, one with an OD in the South."""
        made = []

        # Two more waiting for a director: a second SIN with an AD, and one with an OD in the South.
        made.append(
            self._case(
                "grace.mensah",
                "Kent 1",
                criteria=["child_missing"],
                title="Young person missing from a residential placement",
                children="S.D., 15",
                case_reference="SE26C01108",
                court="Medway Family Court",
                days_ago=2,
                what_happened="S.D. has been missing for two days; there are concerns about criminal exploitation.",
                involvement="Children's guardian in care proceedings; the next hearing is in three weeks.",
                agencies="Kent Police; the placement provider; children's services.",
                immediate="Guardian in daily contact with the social worker; the court has been told.",
            )
        )
        devon = self._case(
            "owen.hughes",
            "Devon 1",
            criteria=["press_interest_case"],
            title="Social media campaign naming a family court adviser",
            children="B.M., 7",
            case_reference="SW26P00977",
            court="Plymouth Family Court",
            days_ago=5,
            what_happened="A parent has posted the family court adviser's name and photograph with allegations about the case.",
            involvement="Section 7 report filed recommending that the child live with the other parent.",
            media="The posts have been shared widely; a local paper has asked for comment.",
            immediate="Posts reported to the platform; the adviser offered support; Communications informed.",
        )
        self._analyse(
            devon, "daniel.evans", "Risk to a member of staff and to Cafcass's reputation. Meets the criteria; CMT should see it."
        )
        made.append(devon)

        return made

    def _not_notifiable(self) -> list:
        """Recorded as not meeting the criteria."""
        made = []

        # Not notifiable: the OD records that it does not meet the criteria.
        not_notifiable = self._case(
            "grace.mensah",
            "Kent 1",
            criteria=["wasted_costs"],
            title="Wasted costs application against the local authority",
            children="L.P., 11",
            case_reference="SE26P00755",
            court="Canterbury Family Court",
            days_ago=12,
            what_happened="A party has applied for wasted costs after an adjourned hearing.",
            involvement="Cafcass report filed on time; the application is made against the local authority, not Cafcass.",
            immediate="Legal team consulted.",
        )
        self._analyse(
            not_notifiable,
            "emma.clarke",
            "The application is not against Cafcass and is below the risk threshold.",
            proposal="does_not_meet",
        )
        services.incident_od_not_notifiable(
            actor=self.p["claire.donovan"],
            incident_id=not_notifiable.pk,
            expected_version=self._version(not_notifiable),
            rationale="Agreed with the AD: no risk to Cafcass; kept on record for the area's learning log.",
        )
        made.append(not_notifiable)

        return made

    def _under_review(self) -> list:
        """Signed off: the CR1 being written, or awaiting its sign-off."""
        made = []

        # Case review: signed off by the OD; the CEO awaits the CR1.
        case_review = self._case(
            "owen.hughes",
            "Bristol 1",
            criteria=["child_seriously_harmed"],
            title="Teenager seriously harmed while placed with a relative",
            children="J.W., 15",
            case_reference="SW26C00318",
            court="Bristol Family Court",
            days_ago=15,
            what_happened="J.W. was admitted to hospital after an assault at the relative's home.",
            involvement="Children's guardian in care proceedings; placement with the relative approved at the last hearing.",
            agencies="Avon and Somerset Police; local authority.",
            media="Local press have reported the assault.",
            immediate="Guardian visited J.W. in hospital; the court was told the same day.",
        )
        self._analyse(
            case_review, "daniel.evans", "Serious harm in a placement Cafcass supported. Meets the criteria; CMT should see it."
        )
        self._sign_off(case_review, "claire.donovan", "Signed off. Press interest noted.")
        self._ceo(case_review, "await_review", "I will decide on onward sharing when the case review is complete.")
        self._action(case_review, "daniel.evans", "owen.hughes", "Visit J.W. weekly until discharge and record each visit.", 10)
        self._action(
            case_review, "claire.donovan", "daniel.evans", "Review the placement assessment with the local authority.", 15
        )
        made.append(case_review)

        return made

    def _cr1_awaiting_sign_off(self) -> list:
        """The CR1 submitted; a briefing shared with the Chair."""
        made = []

        # CR1 awaiting sign-off: the NIS reviewer has submitted it; the CEO shared a briefing with the Chair.
        cr1 = self._case(
            "fatima.begum",
            "Teesside 1",
            criteria=["dhr_under_consideration"],
            title="Domestic homicide review under consideration",
            children="E.C., 8; F.C., 5",
            case_reference="NE26P01203",
            court="Middlesbrough Family Court",
            days_ago=30,
            what_happened="The children's mother was killed by her former partner; the Community Safety Partnership is considering a DHR.",
            involvement="Safeguarding letter and a section 7 report within the last year.",
            agencies="Cleveland Police; Community Safety Partnership.",
            immediate="Children placed with maternal grandparents; records secured.",
        )
        self._analyse(cr1, "sarah.whitfield", "Cafcass assessed risk in this family last year. Meets the criteria.")
        self._sign_off(cr1, "helen.forsyth")
        self._ceo(
            cr1,
            "share_chair",
            "The Chair should know now given the likelihood of a DHR; the Board after the review.",
            briefing_title="Domestic homicide in a family known to Cafcass (Teesside)",
            briefing_text="A mother in a family Cafcass assessed last year has died. A case review is under way; "
            "a further briefing will follow its findings.",
        )
        self._cr1(
            cr1,
            "mark.ellison",
            {
                "summary": "Private law application with domestic abuse allegations; Cafcass safeguarding letter and section 7 report.",
                "chronology": "Application received; safeguarding checks; section 7 report filed; final order; incident six months later.",
                "analysis_of_practice": "Risk assessment followed the domestic abuse practice policy; the father's police history was partly missed.",
                "findings": "Checks with one police force were not repeated after the family moved.",
                "learning_identified": "Repeat police checks when a family moves between force areas during proceedings.",
                "recommendations": "Update the safeguarding checks guidance; cascade through the team meeting.",
            },
        )
        self._action(cr1, "sarah.whitfield", "fatima.begum", "Secure and index the case file for the review.", 5)
        self._action(
            cr1,
            "helen.forsyth",
            "sarah.whitfield",
            "Check that police checks were repeated in open cases where the family moved force area.",
            20,
        )
        made.append(cr1)

        return made

    def _after_review(self) -> list:
        """The CR1 signed off: the final decision awaited, or actions under way."""
        made = []

        # Awaiting the CEO's final decision: the CR1 is signed off and with CMT.
        final = self._case(
            "david.okafor",
            "Manchester 1",
            criteria=["judgement_published"],
            title="Published judgment criticises the delay in a report",
            children="T.H., 10",
            case_reference="NW26P00642",
            court="Manchester Family Court",
            days_ago=40,
            what_happened="A judgment to be published comments on the time taken to file the section 7 report.",
            involvement="Section 7 report filed four weeks late.",
            media="The judgment will be on the public judgments website.",
            immediate="Apology letter sent; allocation data reviewed.",
        )
        self._analyse(final, "james.murray", "The judgment offers learning on allocation. Meets the criteria.")
        self._sign_off(final, "helen.forsyth")
        self._ceo(final, "no_onward", "No sharing needed before the case review.")
        self._cr1(
            final,
            "zoe.turner",
            {
                "summary": "Section 7 report filed late in a private law case.",
                "chronology": "Order for report; allocation delayed by three weeks; report filed late; judgment handed down.",
                "analysis_of_practice": "Allocation was delayed during a period of high demand; the court was not told in time.",
                "findings": "The team did not use the escalation route for late reports.",
                "learning_identified": "Tell the court early when a report will be late, and escalate allocation delays.",
                "recommendations": "Remind teams of the late report protocol in the monthly bulletin.",
            },
        )
        self._cr1_sign_off(final, "helen.forsyth", "Signed off; the recommendations are proportionate.")
        self._action(
            final, "elizabeth.hart", "yasmin.ali", "Brief the Performance and Quality Committee on the judgment's learning.", 30
        )
        self._action(
            final, "helen.forsyth", "james.murray", "Review the time taken to allocate reports across the North West teams.", 25
        )
        made.append(final)

        return made

    def _actions_under_way(self) -> list:
        """A non-case SIN awaiting the CEO, and a case SIN whose actions are under way."""
        made = []

        # Notified (non-case): Core CMT alerted at once; the CEO has still to decide.
        notified = self._non_case(
            "kwame.asante",
            function="IT",
            criteria=["it_cyber"],
            title="Phishing campaign aimed at staff mailboxes",
            days_ago=2,
            what_happened="Around forty staff received a phishing email; three entered their passwords before it was blocked.",
            immediate="Affected accounts locked and passwords reset; the sender's domain blocked.",
        )
        self._action(
            notified, "elizabeth.hart", "adam.fletcher", "Confirm with the IT supplier that every affected account was reset.", 7
        )
        self._action(notified, "kwame.asante", "kwame.asante", "Run a phishing awareness refresher for all staff.", 30)
        made.append(notified)

        return made

    def _case_actions_under_way(self) -> list:
        """A case SIN whose actions are under way."""
        made = []

        # Actions under way (case): CEO's final decision shared with the Board; actions open.
        actions = self._case(
            "priya.shah",
            "Nottingham 1",
            criteria=["inquest_learning"],
            title="Inquest finds learning on information sharing",
            children="D.S., 16",
            case_reference="EM26C00207",
            court="Derby Family Court",
            days_ago=60,
            what_happened="The coroner's inquest into a young person's death identified delays in sharing information between agencies.",
            involvement="Children's guardian in care proceedings that ended two years ago.",
            agencies="Coroner; local authority; mental health service.",
            immediate="Records provided to the coroner.",
        )
        self._analyse(actions, "aisha.rahman", "The coroner identified learning for Cafcass on information sharing.")
        self._sign_off(actions, "rajesh.patel")
        self._cr1(
            actions,
            "mark.ellison",
            {
                "summary": "Care proceedings ended two years before the death; the inquest examined information sharing.",
                "chronology": "Care order; proceedings ended; referrals to mental health service; death; inquest.",
                "analysis_of_practice": "The guardian's final analysis was thorough but not shared with the mental health service.",
                "findings": "No route for sharing the guardian's analysis with health services at the end of proceedings.",
                "learning_identified": "Share the guardian's final analysis with health services where the care plan relies on them.",
                "recommendations": "Review the end of proceedings guidance; add the point to induction training.",
            },
        )
        self._cr1_sign_off(actions, "rajesh.patel")
        self._final(
            actions,
            "share_board",
            "The Board should see the learning and our response.",
            comments="Thank you to the team for their openness with the coroner.",
            briefing_title="Inquest learning on sharing information with health services",
            briefing_text="An inquest identified learning for Cafcass on sharing the guardian's analysis. "
            "Guidance is being reviewed and training updated.",
        )
        self._action(
            actions, "aisha.rahman", "priya.shah", "Discuss the learning at the next team meeting and record attendance.", 21
        )
        in_progress = self._action(
            actions, "elizabeth.hart", "catherine.moore", "Commission the review of the end of proceedings guidance.", 45
        )
        self._update_action(in_progress, "catherine.moore", "in_progress", "Policy team briefed; first draft due next month.")
        made.append(actions)

        return made

    def _non_case_and_closed(self) -> list:
        """A non-case SIN whose actions are under way."""
        made = []

        # Actions under way (non-case): a press enquiry handled by Communications.
        press = self._non_case(
            "laura.bennett",
            function="Communications",
            criteria=["press_reputation"],
            title="National newspaper enquiry about a family court case",
            days_ago=5,
            what_happened="A journalist asked for comment on Cafcass's role in a case reported from a public hearing.",
            immediate="Holding statement agreed with Legal; no case details given.",
            media="National coverage expected this weekend.",
        )
        self._final(press, "no_onward", "Handled within the communications protocol; no onward sharing needed.")
        self._action(press, "laura.bennett", "laura.bennett", "Review the coverage and update the lines to take.", 10)
        made.append(press)

        return made

    def _closed(self) -> list:
        """Closed SINs of both kinds, and a non-case SIN just notified."""
        made = []

        # Closed (case): the whole journey, the action done with evidence.
        closed = self._case(
            "hannah.price",
            "Tyneside 1",
            criteria=["complaint_learning"],
            title="Complaint response identifies learning on child's voice",
            children="N.O., 12",
            case_reference="NE26P00388",
            court="Newcastle Family Court",
            days_ago=90,
            what_happened="A complaint upheld that N.O.'s wishes were not recorded in the report in their own words.",
            involvement="Section 7 report in private law proceedings.",
            immediate="Apology given; addendum report filed.",
        )
        self._analyse(closed, "sarah.whitfield", "Significant learning on recording the child's voice.")
        self._sign_off(closed, "helen.forsyth")
        self._cr1(
            closed,
            "zoe.turner",
            {
                "summary": "Complaint about how the child's wishes were recorded.",
                "chronology": "Report filed; complaint received; complaint upheld; addendum filed.",
                "analysis_of_practice": "The report summarised the child's wishes instead of quoting them.",
                "findings": "Quality assurance did not pick up the missing direct quotes.",
                "learning_identified": "Record the child's wishes in their own words wherever possible.",
                "recommendations": "Add a check for the child's own words to the report quality assurance tool.",
            },
        )
        self._cr1_sign_off(closed, "helen.forsyth")
        self._final(
            closed,
            "share_board",
            "Learning of wide relevance for the Board.",
            briefing_title="Recording the child's voice: learning from a complaint",
            briefing_text="A complaint showed a child's wishes summarised rather than quoted; the quality assurance tool now checks for this.",
        )
        done = self._action(
            closed,
            "sarah.whitfield",
            "hannah.price",
            "Add the child's-own-words check to the team's quality assurance audits.",
            14,
        )
        self._update_action(done, "hannah.price", "done", "Audit tool updated; five reports audited with the new check.")
        self._close(closed, "sarah.whitfield")
        made.append(closed)

        return made

    def _closed_non_case(self) -> list:
        """A closed non-case SIN, and Legal's notified one."""
        made = []

        # Closed (non-case): a health and safety incident, no further action.
        hs = self._non_case(
            "peter.lowe",
            function="Health and Safety",
            criteria=["health_safety"],
            title="Member of staff hurt by a falling ceiling tile",
            days_ago=20,
            what_happened="A ceiling tile fell in the Bristol office after a leak; a member of staff had a minor head injury.",
            immediate="Area closed; landlord repaired the roof; incident reported under RIDDOR.",
        )
        self._final(hs, "no_onward", "Handled under the Health and Safety process; no onward sharing.")
        self._close(hs, "peter.lowe")
        made.append(hs)

        # Notified (non-case): Legal reports a disclosure to the wrong party.
        legal = self._non_case(
            "simon.adeyemi",
            function="Legal",
            criteria=["press_reputation"],
            title="Report sent to the wrong party's solicitor",
            days_ago=4,
            what_happened="A section 7 report was emailed to a solicitor acting in another case; it was deleted unread within the hour.",
            immediate="Recall requested and deletion confirmed in writing; the family told; the data protection officer informed.",
            media="The family have said they may contact a newspaper.",
        )
        self._action(
            legal,
            "simon.adeyemi",
            "simon.adeyemi",
            "Write to the family confirming the deletion and their right to complain to the ICO.",
            5,
        )
        made.append(legal)

        return made

    def _non_case_drafts(self) -> list:
        """HR and Practice have started non-case forms."""
        made = []

        # Drafts (non-case): HR and Practice have started forms.
        for author, function, code, title, what in [
            (
                "nadia.hussain",
                "HR",
                "hr_staff",
                "Threats made to a family court adviser after a hearing",
                "A party followed a family court adviser to the car park and threatened her.",
            ),
            (
                "joanna.reid",
                "Practice",
                "lado",
                "LADO referral about a practitioner",
                "An allegation about a practitioner's conduct outside work has been referred to the LADO.",
            ),
        ]:
            made.append(
                services.incident_create(
                    actor=self.p[author],
                    kind=Kind.NON_CASE,
                    function=self.places[function],
                    data=services.FormData(
                        criteria=[code],
                        values={
                            "title": title,
                            "incident_date": self._days_ago(1),
                            "aware_date": self._days_ago(1),
                            "what_happened": what,
                        },
                    ),
                )
            )
        return made
