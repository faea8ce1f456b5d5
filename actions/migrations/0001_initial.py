"""The actions app takes over incidents.Action, rows and all (no copy): first in the state alone,
on the table it has; then the new columns and the check; then the table takes the app's name."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("incidents", "0004_submitted_versions_and_proposal"),
        ("alerts", "0007_about_any_subject"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Action",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("description", models.TextField()),
                        ("due_date", models.DateField()),
                        ("status", models.CharField(choices=[("open", "Not started"), ("in_progress", "In progress"), ("done", "Done"), ("carried", "Carried into the Learning Portal")], default="open", max_length=12)),
                        ("evidence", models.TextField(blank=True, verbose_name="Evidence of completion")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("completed_at", models.DateTimeField(blank=True, null=True)),
                        ("version", models.PositiveIntegerField(default=1)),
                        ("created_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("owner", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="owned_actions", to=settings.AUTH_USER_MODEL)),
                        ("incident", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="actions", to="incidents.incident")),
                    ],
                    options={"ordering": ["due_date", "id"], "db_table": "incidents_action"},
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="action",
            name="kind",
            field=models.CharField(choices=[("sin", "Action on a serious incident"), ("training_review", "Review and update of relevant training material"), ("policy_review", "Review and update to relevant policy and guidance"), ("cascade", "Consideration of the most appropriate method of cascading the learning"), ("other", "Further action")], default="sin", max_length=20),
        ),
        migrations.AlterField(
            model_name="action",
            name="incident",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="actions", to="incidents.incident"),
        ),
        migrations.AlterModelTable(name="action", table=None),
        migrations.AddConstraint(
            model_name="action",
            constraint=models.CheckConstraint(condition=models.Q(incident__isnull=False), name="action_has_exactly_one_subject"),
        ),
    ]
