"""The child, the case reference and the court are encrypted at rest; the case reference gets a keyed hash
for exact search (docs/decisions/0019). Existing rows are encrypted here, with the raw values read and
written in SQL (the model's fields would try to decrypt the plain text); backwards, they are decrypted."""

from django.db import migrations

import incidents.fields

COLUMNS = ("children", "case_reference", "court")


def _rows(schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id, children, case_reference, court FROM incidents_incident")
        return cursor.fetchall()


def _write(schema_editor, pk, values, reference_hash):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "UPDATE incidents_incident SET children = %s, case_reference = %s, court = %s, case_reference_hash = %s WHERE id = %s",
            [*values, reference_hash, pk],
        )


def encrypt_existing(apps, schema_editor):
    from incidents.fields import encrypt, is_encrypted, keyed_hash

    for pk, *values in _rows(schema_editor):
        plain = [value or "" for value in values]
        if any(is_encrypted(value) for value in plain):
            continue  # already encrypted (the migration run again after a partial backwards run)
        stored = [encrypt(value) if value else "" for value in plain]
        _write(schema_editor, pk, stored, keyed_hash(plain[1]))


def decrypt_existing(apps, schema_editor):
    from incidents.fields import decrypt, is_encrypted

    for pk, *values in _rows(schema_editor):
        plain = [decrypt(value, label=f"incident {pk}") if is_encrypted(value) else (value or "") for value in values]
        _write(schema_editor, pk, plain, "")


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0005_action_moves_to_the_actions_app'),
    ]

    operations = [
        migrations.AddField(
            model_name='incident',
            name='case_reference_hash',
            field=incidents.fields.KeyedHashField(blank=True, db_index=True, editable=False, max_length=64, source='case_reference'),
        ),
        migrations.AlterField(
            model_name='incident',
            name='case_reference',
            field=incidents.fields.EncryptedCharField(blank=True, max_length=40, verbose_name='Cafcass case reference'),
        ),
        migrations.AlterField(
            model_name='incident',
            name='children',
            field=incidents.fields.EncryptedTextField(blank=True, verbose_name='Child or children'),
        ),
        migrations.AlterField(
            model_name='incident',
            name='court',
            field=incidents.fields.EncryptedCharField(blank=True, max_length=150),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
    ]
