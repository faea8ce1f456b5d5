"""The roles people hold, from the process document and DESIGN.md."""

from django.db import models


class Role(models.TextChoices):
    LOCAL_MANAGER = "local_manager", "Local manager"
    ASSISTANT_DIRECTOR = "assistant_director", "Assistant Director"
    HEAD_OF_PROFESSION = "head_of_profession", "Head of Profession"
    OPERATIONAL_DIRECTOR = "operational_director", "Operational Director"
    NIS_REVIEWER = "nis_reviewer", "National Improvement Service reviewer"
    CMT_MEMBER = "cmt_member", "Core CMT member"
    CEO = "ceo", "Chief Executive"
    BOARD_MEMBER = "board_member", "Board member"
    CHAIR = "chair", "Chair"
    LEARNING_LEAD = "learning_lead", "Learning and Development lead"
    POLICY_LEAD = "policy_lead", "Policy lead"
    PRACTITIONER = "practitioner", "Practitioner (family court adviser or team staff)"
    PQC_MEMBER = "pqc_member", "Performance and Quality Committee member"
    ADMINISTRATOR = "administrator", "Administrator"


# Which kind of place each role is tied to; None means the whole organisation.
ROLE_SCOPE = {
    Role.LOCAL_MANAGER: "team",
    Role.ASSISTANT_DIRECTOR: "service_area",
    Role.HEAD_OF_PROFESSION: "function",
    Role.OPERATIONAL_DIRECTOR: "region",
    Role.NIS_REVIEWER: None,
    Role.CMT_MEMBER: None,
    Role.CEO: None,
    Role.BOARD_MEMBER: None,
    Role.CHAIR: None,
    Role.LEARNING_LEAD: None,
    Role.POLICY_LEAD: None,
    Role.PRACTITIONER: "team",
    Role.PQC_MEMBER: None,
    Role.ADMINISTRATOR: None,
}
