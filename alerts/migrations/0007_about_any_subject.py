"""Alerts about any subject: a generic relation (about_type, about_id) instead of a SIN's foreign key.

Every existing notification, email and reminder becomes about its SIN, or for
an action's reminder about that action (the actions app takes the rows of
incidents.Action as they are: actions/0001). The reference is kept on each row,
so that lists and the admin name it without reading the subject.
"""

import django.db.models.deletion
from django.db import migrations, models


def about_their_subjects(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Incident = apps.get_model("incidents", "Incident")
    incident_type, _ = ContentType.objects.get_or_create(app_label="incidents", model="incident")
    action_type, _ = ContentType.objects.get_or_create(app_label="actions", model="action")
    references = {pk: reference or f"Draft {pk}" for pk, reference in Incident.objects.values_list("pk", "reference")}
    for name in ("Notification", "EmailDelivery"):
        model = apps.get_model("alerts", name)
        for row in model.objects.all().only("pk", "incident_id", *(["link"] if name == "Notification" else [])):
            row.about_type_id, row.about_id = incident_type.pk, row.incident_id
            row.reference = references.get(row.incident_id, "")
            fields = ["about_type", "about_id", "reference"]
            if name == "Notification" and not row.link:
                row.link = f"/incidents/{row.incident_id}/"
                fields.append("link")
            row.save(update_fields=fields)
    Reminder = apps.get_model("alerts", "Reminder")
    for row in Reminder.objects.all():
        if row.action_id:
            row.about_type_id, row.about_id = action_type.pk, row.action_id
        else:
            row.about_type_id, row.about_id = incident_type.pk, row.incident_id
        row.reference = references.get(row.incident_id, "")
        row.save(update_fields=["about_type", "about_id", "reference"])


class Migration(migrations.Migration):

    dependencies = [
        ("alerts", "0006_case_review_sent_by_default"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("incidents", "0004_submitted_versions_and_proposal"),
    ]

    operations = [
        *[
            operation
            for model in ("notification", "emaildelivery", "reminder")
            for operation in (
                migrations.AddField(model_name=model, name="about_type", field=models.ForeignKey(
                    null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="contenttypes.contenttype")),
                migrations.AddField(model_name=model, name="about_id", field=models.PositiveBigIntegerField(null=True)),
                migrations.AddField(model_name=model, name="reference", field=models.CharField(blank=True, max_length=40)),
            )
        ],
        migrations.RunPython(about_their_subjects, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="reminder", name="unique_reminder"),
        migrations.RemoveField(model_name="reminder", name="action"),
        migrations.RemoveField(model_name="reminder", name="action_key"),
        *[
            operation
            for model in ("notification", "emaildelivery", "reminder")
            for operation in (
                migrations.RemoveField(model_name=model, name="incident"),
                migrations.AlterField(model_name=model, name="about_type", field=models.ForeignKey(
                    on_delete=django.db.models.deletion.PROTECT, related_name="+", to="contenttypes.contenttype")),
                migrations.AlterField(model_name=model, name="about_id", field=models.PositiveBigIntegerField()),
            )
        ],
        migrations.AddIndex(model_name="notification", index=models.Index(fields=["about_type", "about_id"], name="alerts_noti_about_t_idx")),
        migrations.AddIndex(model_name="emaildelivery", index=models.Index(fields=["about_type", "about_id"], name="alerts_emai_about_t_idx")),
        migrations.AddConstraint(model_name="reminder", constraint=models.UniqueConstraint(
            fields=("about_type", "about_id", "stage", "due_date", "kind"), name="unique_reminder_of_subject")),
    ]
