"""SQLite only: an FTS5 index of the articles' title, summary and body, so search reads
an index instead of every article (content/search.py). A no-op on PostgreSQL, which
searches the stored document of 0006.

`article_fts` holds no copy of the text ("external content": it reads content_article),
and triggers keep it in step with every insert, delete, and change of those three
columns, bulk_create included. Words are stemmed (`porter`) as PostgreSQL's english
configuration stems them; content/search.py says why not trigrams.

Articles join the index through the view `article_search` (model ArticleSearchIndex),
whose `article_id` is the rowid plus 0. As a plain rowid, SQLite could plan the join
the other way round: walk every published article and look each one up in the index.
Without statistics (no ANALYZE yet) it does, and counting one word's matches took
3.7 s on 100,000 articles. Hidden behind `+ 0`, the rowid cannot serve such a lookup,
so every plan reads the index first and then articles by primary key, at any size.

Beware: when Django alters content_article on SQLite by rebuilding the table (most
AlterField operations), SQLite drops its triggers with it. Such a migration must create
them again (TRIGGERS below); tests/content/test_search.py fails until it does.
"""

from django.db import migrations, models

import content.models

TOKENIZER = "porter unicode61 remove_diacritics 2"

TRIGGERS = {
    "article_fts_insert": """
        CREATE TRIGGER article_fts_insert AFTER INSERT ON content_article BEGIN
            INSERT INTO article_fts (rowid, title, summary, body)
            VALUES (new.id, new.title, new.summary, new.body);
        END""",
    "article_fts_delete": """
        CREATE TRIGGER article_fts_delete AFTER DELETE ON content_article BEGIN
            INSERT INTO article_fts (article_fts, rowid, title, summary, body)
            VALUES ('delete', old.id, old.title, old.summary, old.body);
        END""",
    # Only when the indexed text may change: seed_demo's backdating UPDATE of every new
    # article, or a publication, leaves the index alone.
    "article_fts_update": """
        CREATE TRIGGER article_fts_update AFTER UPDATE OF title, summary, body
        ON content_article BEGIN
            INSERT INTO article_fts (article_fts, rowid, title, summary, body)
            VALUES ('delete', old.id, old.title, old.summary, old.body);
            INSERT INTO article_fts (rowid, title, summary, body)
            VALUES (new.id, new.title, new.summary, new.body);
        END""",
}


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(
        "CREATE VIRTUAL TABLE article_fts USING fts5(title, summary, body, "
        f"content='content_article', content_rowid='id', tokenize='{TOKENIZER}')"
    )
    for create_trigger in TRIGGERS.values():
        schema_editor.execute(create_trigger)
    schema_editor.execute(
        "CREATE VIEW article_search AS "
        "SELECT rowid + 0 AS article_id, article_fts AS document FROM article_fts"
    )
    # The articles already there.
    schema_editor.execute("INSERT INTO article_fts (article_fts) VALUES ('rebuild')")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute("DROP VIEW IF EXISTS article_search")
    for name in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    schema_editor.execute("DROP TABLE IF EXISTS article_fts")


class Migration(migrations.Migration):
    dependencies = [("content", "0007_article_featured_index")]

    operations = [
        migrations.RunPython(create_index, drop_index),
        # The view as Django sees it (never created by Django: managed=False).
        migrations.CreateModel(
            name="ArticleSearchIndex",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        db_column="article_id",
                        db_constraint=False,
                        on_delete=models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="search_index",
                        serialize=False,
                        to="content.article",
                    ),
                ),
                ("document", content.models.FullTextField()),
            ],
            options={"db_table": "article_search", "managed": False},
        ),
    ]
