"""The child, the case reference and the court in each submitted version are encrypted, as in the record."""

from django.db import migrations

FIELDS = ("children", "case_reference", "court")


def encrypt_versions(apps, schema_editor):
    from incidents.fields import encrypt, is_encrypted

    for version in apps.get_model("incidents", "SubmittedVersion").objects.all():
        values = dict(version.values)
        changed = False
        for name in FIELDS:
            if values.get(name) and not is_encrypted(values[name]):
                values[name] = encrypt(values[name])
                changed = True
        if changed:
            version.values = values
            version.save(update_fields=["values"])


def decrypt_versions(apps, schema_editor):
    from incidents.fields import decrypt, is_encrypted

    for version in apps.get_model("incidents", "SubmittedVersion").objects.all():
        values = {k: decrypt(v) if k in FIELDS and is_encrypted(v) else v for k, v in version.values.items()}
        version.values = values
        version.save(update_fields=["values"])


class Migration(migrations.Migration):
    dependencies = [("incidents", "0006_encrypt_child_and_case_reference")]
    operations = [migrations.RunPython(encrypt_versions, decrypt_versions)]
