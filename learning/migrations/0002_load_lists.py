"""The origins, the themes and the SIN criteria read as themes, for an administrator to extend."""

from django.db import migrations


def load(apps, schema_editor):
    from learning.choices import load_lists

    load_lists(apps.get_model("learning", "LearningOrigin"), apps.get_model("learning", "Theme"),
               apps.get_model("learning", "CriterionTheme"), apps.get_model("incidents", "Criterion"))


class Migration(migrations.Migration):
    dependencies = [("learning", "0001_initial"), ("incidents", "0002_load_criteria")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
