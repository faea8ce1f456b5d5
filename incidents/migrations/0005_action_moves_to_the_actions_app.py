"""incidents.Action leaves this app's state: the actions app has it, rows and all (actions/0001)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0004_submitted_versions_and_proposal"),
        ("actions", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="Action")], database_operations=[]),
    ]
