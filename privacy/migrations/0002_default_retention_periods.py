"""The default retention periods, for the organisation's records manager to confirm (docs/decisions/0013-retention.md).

None is confirmed here: `retention_purge` removes nothing until someone confirms a period in the admin.
"""

from django.db import migrations

FOR_THE_RECORDS_MANAGER = " Default proposed by the service: for the records manager to confirm."

DEFAULTS = [
    ("case_sin", "not_notifiable", 2,
     "Recorded as not meeting the criteria: kept long enough to answer a question about the decision or a later "
     "complaint, and to see a pattern across SINs that did not meet the criteria."),
    ("case_sin", "closed", 7,
     "A closed case SIN holds special category data about children: kept for the six years of the Limitation Act "
     "1980 for most claims and a year to conclude one, then removed. A claim by the child, a review or an inquiry "
     "may need it longer: put a retention hold on it."),
    ("case_sin", "draft", 1,
     "A draft never submitted was never part of the process: kept a year in case its author returns to it."),
    ("non_case_sin", "closed", 6,
     "Staff, health and safety, IT and press incidents: the six years of the Limitation Act 1980, as for the "
     "organisation's other HR and health and safety records."),
    ("non_case_sin", "draft", 1,
     "A draft never submitted was never part of the process: kept a year in case its author returns to it."),
    ("learning_item", "closed", 10,
     "Learning identifies no child and is the organisation's memory of what it changed: kept ten years after it "
     "closes. Not applied yet: the Learning Portal's removal of an item is for the learning app to provide."),
]


def add_defaults(apps, schema_editor):
    RetentionPeriod = apps.get_model("privacy", "RetentionPeriod")
    for kind, outcome, years, reasoning in DEFAULTS:
        RetentionPeriod.objects.get_or_create(kind=kind, outcome=outcome,
                                              defaults={"years": years, "reasoning": reasoning + FOR_THE_RECORDS_MANAGER})


def remove_defaults(apps, schema_editor):
    apps.get_model("privacy", "RetentionPeriod").objects.filter(confirmed_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_retention")]
    operations = [migrations.RunPython(add_defaults, remove_defaults)]
