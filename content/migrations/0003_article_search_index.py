"""PostgreSQL only: a GIN index on the weighted search document of `content/search.py`
(replaced by a stored, indexed column in 0006).

The expression must stay exactly what `content.search._postgres_vector()` compiles to, or
PostgreSQL will not use it; tests/content/test_search.py checks that with EXPLAIN.
SQLite has no such index type; its fallback search scans.
"""

from django.db import migrations

SEARCH_DOCUMENT = (
    "(setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')"
    " || setweight(to_tsvector('english'::regconfig, COALESCE(summary, '')), 'B'))"
    " || setweight(to_tsvector('english'::regconfig, COALESCE(body, '')), 'C')"
)


def create_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS article_search ON content_article "
            f"USING gin (({SEARCH_DOCUMENT}))"
        )


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS article_search")


class Migration(migrations.Migration):
    dependencies = [("content", "0002_roles")]

    operations = [migrations.RunPython(create_search_index, drop_search_index)]
