"""Load the criteria of source 2.1 and the categories of 2.11, word for word."""

from django.db import migrations


def load(apps, schema_editor):
    from incidents.criteria import CASE_CRITERIA, NON_CASE_CATEGORIES

    Criterion = apps.get_model("incidents", "Criterion")
    for kind, rows in (("case", CASE_CRITERIA), ("non_case", NON_CASE_CATEGORIES)):
        for order, (code, text) in enumerate(rows, start=1):
            Criterion.objects.update_or_create(code=code, defaults={"kind": kind, "text": text, "order": order})


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
