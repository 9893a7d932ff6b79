# Search by name: other Latin spellings on the file, the folded names, their trigram index.

import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.conf import settings
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('citizens', '0003_housing_file_feed_fields'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # pg_trgm serves the trigram index on Citizen.search_names (search by name).
        TrigramExtension(),
        migrations.AddField(
            model_name='citizen',
            name='latin_names',
            field=models.CharField(blank=True, db_default='', default='', help_text='Other spellings of the name in Latin letters, separated by / or commas.', max_length=300, verbose_name='other Latin spellings'),
        ),
        migrations.AddField(
            model_name='citizen',
            name='search_names',
            field=models.GeneratedField(db_persist=True, expression=django.db.models.functions.text.Concat(django.db.models.functions.text.Concat(models.Value(' '), models.Func(models.Func(models.Func(models.Func(django.db.models.functions.text.Concat(models.Value(' '), models.Func(models.Func(django.db.models.functions.text.Lower(models.F('name_ar')), models.Value('أإآٱىیئةؤک٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹ًٌٍَُِّْٰـء'), models.Value('اااايييهوك01234567890123456789'), function='translate', output_field=models.TextField()), models.Value('-_.,;/|()\'"`’‘،؛'), models.Value('                '), function='translate', output_field=models.TextField()), models.Value(' '), output_field=models.TextField()), models.Value(' +'), models.Value(' '), models.Value('g'), function='regexp_replace', output_field=models.TextField()), models.Value('(^| )(عبد|ابو) +'), models.Value('\\1\\2'), models.Value('g'), function='regexp_replace', output_field=models.TextField()), models.Value('(^| )ال(\\S\\S)'), models.Value('\\1\\2'), models.Value('g'), function='regexp_replace', output_field=models.TextField()), function='btrim', output_field=models.TextField()), models.Value(' '), output_field=models.TextField()), django.db.models.functions.text.Concat(models.Value(' '), models.Func(models.Func(models.Func(models.Func(django.db.models.functions.text.Concat(models.Value(' '), models.Func(models.Func(django.db.models.functions.text.Lower(django.db.models.functions.text.Concat(models.F('name_en'), models.Value(' '), models.F('latin_names'), output_field=models.TextField())), models.Value('أإآٱىیئةؤک٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹ًٌٍَُِّْٰـء'), models.Value('اااايييهوك01234567890123456789'), function='translate', output_field=models.TextField()), models.Value('-_.,;/|()\'"`’‘،؛'), models.Value('                '), function='translate', output_field=models.TextField()), models.Value(' '), output_field=models.TextField()), models.Value(' +'), models.Value(' '), models.Value('g'), function='regexp_replace', output_field=models.TextField()), models.Value('(^| )(عبد|ابو) +'), models.Value('\\1\\2'), models.Value('g'), function='regexp_replace', output_field=models.TextField()), models.Value('(^| )ال(\\S\\S)'), models.Value('\\1\\2'), models.Value('g'), function='regexp_replace', output_field=models.TextField()), function='btrim', output_field=models.TextField()), models.Value(' '), output_field=models.TextField()), output_field=models.TextField()), output_field=models.TextField()),
        ),
        migrations.AddIndex(
            model_name='citizen',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass(models.F('search_names'), name='gin_trgm_ops'), name='citizen_search_names_trgm'),
        ),
    ]
