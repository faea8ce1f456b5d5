"""Load the criteria of source 2.1 and the categories of 2.11, word for word."""

from django.db import migrations


def load(apps, schema_editor):
    from incidents.criteria import load_criteria

    load_criteria(apps.get_model("incidents", "Criterion"))


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
