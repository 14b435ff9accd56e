"""PostgreSQL only: the weighted search document stored in a generated column, indexed.

Migration 0003 indexed the document as an expression, which serves the match but not the
ranking: `ts_rank` then parsed every matching article's text again, seconds for a common
word on 10,000 articles. Stored, the document is parsed once per write. SQLite has no
such column type; its search scans (content/search.py).
"""

from django.db import migrations

SEARCH_DOCUMENT = (
    "setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')"
    " || setweight(to_tsvector('english'::regconfig, COALESCE(summary, '')), 'B')"
    " || setweight(to_tsvector('english'::regconfig, COALESCE(body, '')), 'C')"
)


def store_search_document(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE content_article ADD COLUMN search_document tsvector "
            f"GENERATED ALWAYS AS ({SEARCH_DOCUMENT}) STORED"
        )
        schema_editor.execute(
            "CREATE INDEX article_search_document ON content_article USING gin (search_document)"
        )
        schema_editor.execute("DROP INDEX IF EXISTS article_search")


def drop_search_document(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS article_search ON content_article "
            f"USING gin (({SEARCH_DOCUMENT}))"
        )
        schema_editor.execute("ALTER TABLE content_article DROP COLUMN search_document")


class Migration(migrations.Migration):
    dependencies = [("content", "0005_content_version")]

    operations = [migrations.RunPython(store_search_document, drop_search_document)]
