from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('documents', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='attachment',
            name='scan_detail',
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name='attachment',
            name='scan_status',
            field=models.CharField(choices=[('clean', 'Scanned for viruses: none found'), ('pending', 'Not yet scanned for viruses'), ('infected', 'A virus was found: the file has been removed'), ('unchecked', 'Not scanned: no virus scanner is set up')], default='pending', max_length=20),
        ),
        migrations.AddField(
            model_name='attachment',
            name='scanned_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
