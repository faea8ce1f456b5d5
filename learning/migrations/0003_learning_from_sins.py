"""Today's learning identified on SINs (Incident.learning_identified) becomes learning items: one draft of
source A per SIN, linked to it, at "identified", for its AD to finish and publish (2.7, 3.2). The SIN's
actions already carried point at it. Its text may still identify a child: a draft is read only by those
who work on it, and publication checks every heading (learning.identifiers)."""

from django.db import migrations


def carry(apps, schema_editor):
    Incident = apps.get_model("incidents", "Incident")
    LearningItem = apps.get_model("learning", "LearningItem")
    ItemEvent = apps.get_model("learning", "ItemEvent")
    Origin = apps.get_model("learning", "LearningOrigin")
    Action = apps.get_model("actions", "Action")
    origin = Origin.objects.filter(code="serious-incident").first()
    for incident in Incident.objects.exclude(learning_identified="").filter(learning_items__isnull=True):
        item = LearningItem.objects.create(
            title=(incident.title or incident.reference or f"Draft {incident.pk}")[:150], origin=origin,
            incident=incident, learning_identified=incident.learning_identified, author_id=incident.author_id,
            service_area_id=incident.service_area_id, function_id=incident.function_id,
            search_document=f"{incident.title}\n{incident.learning_identified}",
        )
        ItemEvent.objects.create(item=item, step="carry", actor_id=None, from_rung="identified", to_rung="identified",
                                 text=f"Carried from {incident.reference or incident.pk} when the Learning Portal opened.")
        Action.objects.filter(incident=incident, status="carried", carried_to__isnull=True).update(carried_to=item)


class Migration(migrations.Migration):
    dependencies = [("learning", "0002_load_lists"), ("actions", "0002_learning_item_subject"),
                    ("incidents", "0005_action_moves_to_the_actions_app")]
    operations = [migrations.RunPython(carry, migrations.RunPython.noop)]
