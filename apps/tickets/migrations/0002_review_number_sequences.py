"""One review-number sequence per year for 2020–2100, so drawing a number never runs DDL."""

from django.db import migrations

YEARS = range(2020, 2101)


def create(apps, schema_editor):
    for year in YEARS:
        schema_editor.execute(
            f'CREATE SEQUENCE IF NOT EXISTS "tickets_review_seq_{year}" AS bigint MINVALUE 1 START WITH 1'
        )


def drop(apps, schema_editor):
    for year in YEARS:
        schema_editor.execute(f'DROP SEQUENCE IF EXISTS "tickets_review_seq_{year}"')


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
