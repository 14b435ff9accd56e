"""The article's revision counter (services.article_save). SQLite adds the column by
rebuilding content_article, which drops the search index's triggers: made again here."""

import importlib

from django.db import migrations, models

search_index = importlib.import_module("content.migrations.0008_article_fts")


def recreate_search_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name, create_trigger in search_index.TRIGGERS.items():
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
        schema_editor.execute(create_trigger)


class Migration(migrations.Migration):
    dependencies = [("content", "0009_idempotency_key")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="revision",
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
        migrations.RunPython(recreate_search_triggers, recreate_search_triggers),
    ]
