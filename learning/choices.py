"""Sources, rungs, statuses and timeline steps of a learning item (source sections 3 and 4)."""

from django.db import models


class Source(models.TextChoices):
    """The sources evidence of learning is reported for (source 4.1), word for word."""

    A = "A", "Serious Incidents (under the criteria in the revised process)"
    B = "B", "Serious Case Reviews (ready to be published)"
    C = "C", "Other incidents/activity in the media with the potential for learning for Cafcass"
    D = "D", "Best practice examples undertaken by a team or an individual"
    E = "E", "Published Judgements with an identified learning for Cafcass"


class Rung(models.TextChoices):
    """The ladder everyone can see (DESIGN.md, Learning Portal), lowest first."""

    IDENTIFIED = "identified", "Identified"
    ACTIONS_AGREED = "actions_agreed", "Actions agreed"
    ACTIONS_DONE = "actions_done", "Actions done"
    VERIFIED = "verified", "Verified in practice"
    SUSTAINED = "sustained", "Sustained"


RUNG_ORDER = {rung: position for position, rung in enumerate(Rung.values)}


class ItemStatus(models.TextChoices):
    """Whether an item is read across the organisation yet, and whether it is still followed up."""

    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    CLOSED = "closed", "Closed"


class ItemStep(models.TextChoices):
    """Every step an item's timeline can show, one per service function (and the other engineer's notes)."""

    CREATE = "create", "Learning recorded"
    CARRY = "carry", "Carried from a serious incident"
    EDIT = "edit", "Headings edited"
    PUBLISH = "publish", "Published"
    ACTION_ADD = "action_add", "Action added"
    ACTION_UPDATE = "action_update", "Action updated"
    MOVE = "move", "Moved on the ladder"
    NOTE = "note", "Note"
    RECURRENCE = "recurrence", "A new serious incident shares a theme"
    CLOSE = "close", "Closed"


# The five headings of source 4.1, word for word, in order: (field name, heading).
HEADINGS = (
    ("impact_on_child", "Summary of the impact on the child"),
    ("what_cafcass_did", "What Cafcass did and how we did it"),
    ("learning_identified", "Learning identified"),
    ("how_addressed", "How the learning was addressed, both immediate and longer term"),
    ("impact_on_practice", "Impact of learning on practice and evidence of this"),
)
HEADING_FIELDS = tuple(name for name, _ in HEADINGS)


# The origins an administrator starts with (LearningOrigin): (code, name, source of 4.1 it is reported under).
# The further origins the SIN criteria name (2.1) are reported under B (reviews) or C (other activity):
# docs/decisions/0016-learning-items.md.
ORIGINS = (
    ("serious-incident", "Serious incident (SIN)", "A"),
    ("serious-case-review", "Serious case review / safeguarding practice review", "B"),
    ("domestic-homicide-review", "Domestic homicide review", "B"),
    ("inquest", "Inquest into death or domestic homicide", "B"),
    ("media", "Other incident or activity in the media", "C"),
    ("complaint", "Complaint response", "C"),
    ("phso", "Parliamentary and Health Service Ombudsman (PHSO) enquiry", "C"),
    ("best-practice", "Best practice example (team or individual)", "D"),
    ("judgement", "Published judgement", "E"),
)

THEMES = (
    ("domestic-abuse", "Domestic abuse"),
    ("risk-assessment", "Risk assessment"),
    ("voice-of-the-child", "Voice of the child"),
    ("information-sharing", "Information sharing"),
    ("multi-agency-working", "Multi-agency working"),
    ("recording", "Recording"),
    ("management-oversight", "Management oversight"),
    ("timeliness", "Timeliness"),
    ("diversity-and-inclusion", "Diversity and inclusion"),
    ("safeguarding", "Safeguarding"),
    ("mental-health", "Mental health and suicide risk"),
    ("child-exploitation", "Child exploitation and missing children"),
    ("court-work", "Court work and the law"),
    ("staff-safety", "Staff safety and wellbeing"),
    ("communication", "Communication with families"),
)

# The SIN criteria (incidents.criteria codes) read as themes, for recurrences (CriterionTheme).
CRITERION_THEMES = {
    "child_died_subject": ("safeguarding", "risk-assessment"),
    "child_died_not_subject": ("safeguarding", "information-sharing"),
    "child_seriously_harmed": ("safeguarding", "risk-assessment"),
    "looked_after_child_died": ("safeguarding", "multi-agency-working"),
    "regulated_setting_child_died": ("safeguarding", "multi-agency-working"),
    "rapid_review": ("multi-agency-working", "information-sharing"),
    "adult_party_death": ("domestic-abuse", "risk-assessment"),
    "dhr_under_consideration": ("domestic-abuse", "multi-agency-working"),
    "child_missing": ("child-exploitation", "safeguarding"),
    "judgement_published": ("court-work",),
    "wasted_costs": ("court-work", "timeliness"),
    "phso": ("communication", "recording"),
    "complaint_learning": ("communication", "recording"),
    "inquest_learning": ("mental-health", "domestic-abuse"),
    "hr_staff": ("staff-safety",),
    "health_safety": ("staff-safety",),
}


def load_lists(origin_model, theme_model, link_model, criterion_model) -> None:
    """Write the origins, the themes and the criteria's themes; safe to run again (the data migration and
    tests that start from a flushed database call it)."""
    for order, (code, name, source) in enumerate(ORIGINS):
        origin_model.objects.get_or_create(code=code, defaults={"name": name, "source": source, "order": order})
    themes = {}
    for order, (code, name) in enumerate(THEMES):
        themes[code], _ = theme_model.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    for criterion in criterion_model.objects.filter(code__in=CRITERION_THEMES):
        for code in CRITERION_THEMES[criterion.code]:
            link_model.objects.get_or_create(criterion=criterion, theme=themes[code])
