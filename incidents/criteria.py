"""The criteria of the process document, word for word.

Source 2.1: the criteria for alerting Core CMT to a case-related incident.
Source 2.11: the reportable incidents relating to serious risk to staff or
organisational reputation (non-case). Loaded into the Criterion table by a
data migration, so that administrators can add to the lists; the codes are stable.
"""

CASE_CRITERIA = [
    (
        "child_died_subject",
        "A child has died (including cases of suspected suicide), and abuse or neglect is known or suspected (Child was/is subject to Cafcass application)",
    ),
    (
        "child_died_not_subject",
        "A child has died (including cases of suspected suicide), and abuse or neglect is known or suspected (Child is not/has never been subject to Cafcass application, for example siblings or parents known to Cafcass)",
    ),
    (
        "child_seriously_harmed",
        "A child has been seriously harmed and abuse or neglect is known or suspected (Child was/is subject to Cafcass application)",
    ),
    (
        "looked_after_child_died",
        "A looked after child has died (including cases where abuse or neglect is not known or suspected) (Child was/is subject to Cafcass application)",
    ),
    (
        "regulated_setting_child_died",
        "A child in a regulated setting or service has died (including cases where abuse or neglect is not known or suspected) (Child was/is subject to Cafcass application)",
    ),
    (
        "press_interest_case",
        "Case-related anticipated press interest/national learning/social media, where Cafcass are potentially implicated or risk of organisational vulnerability",
    ),
    ("rapid_review", "Initial rapid review/safeguarding practice review initiated by safeguarding partner"),
    (
        "adult_party_death",
        "Death of an adult party as a result of known/suspected domestic homicide or suicide (open cases only)",
    ),
    ("dhr_under_consideration", "Domestic Homicide Review under consideration by Community Safety Partnership"),
    ("child_missing", "Child missing from care/away from placement (acute risk or risk of publicity)"),
    ("judgement_published", "A Judgement is published or due to be published which offers learning for Cafcass"),
    ("wasted_costs", "Wasted costs applications which are assessed as high risk (over £1,000)"),
    ("phso", "Parliamentary and Health Service Ombudsman (PHSO) enquiries/investigations"),
    ("complaint_learning", "Significant learning identified in Cafcass complaint response"),
    ("inquest_learning", "Inquests into death or domestic homicide where learning has been identified for Cafcass"),
    ("other", "Other (please specify)"),
]

NON_CASE_CATEGORIES = [
    ("press_reputation", "Press interest where there is reputational risks"),
    ("hr_staff", "HR and risks to staff"),
    ("health_safety", "Health and safety"),
    ("lado", "LADO referrals"),
    ("it_cyber", "IT and cyberthreats"),
    ("disaster", "Disaster management"),
]

OTHER_CODE = "other"


def load_criteria(criterion_model) -> None:
    """Write both lists into the Criterion table, adding what is missing and correcting the wording; safe to run again.

    The data migration calls it with its historical model; tests that commit for
    real (and so start from a flushed database) call it with the current one.
    """
    for kind, rows in (("case", CASE_CRITERIA), ("non_case", NON_CASE_CATEGORIES)):
        for order, (code, text) in enumerate(rows, start=1):
            criterion_model.objects.update_or_create(code=code, defaults={"kind": kind, "text": text, "order": order})
