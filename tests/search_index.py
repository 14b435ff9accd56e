"""The check that SQLite's full-text index of articles (migration 0008) is exact."""

from django.db import connection


def assert_the_index_holds_exactly_the_articles():
    """SQLite: FTS5's own check that its index holds every article's current text and
    nothing else; it raises otherwise. PostgreSQL derives its document from the row."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO article_fts (article_fts, rank) VALUES ('integrity-check', 1)"
            )
