"""The database cache's table (settings.CACHES), where the API rate limits are counted.

Made by `createcachetable`, which does nothing for a cache that is not in the
database (the test settings count in memory) or whose table exists.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = []
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
