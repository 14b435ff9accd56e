"""The queries the pages run use indexes: none reads a whole table, so none slows down
as the site grows (content/hot_queries.py; `make bench` saves the plans at 100,000)."""

import re

import pytest
from django.core.management import call_command
from django.db import connection

from content.hot_queries import explain, hot_queries
from tests.factories import ArticleFactory, CommentFactory, LikeFactory, TagFactory

pytestmark = pytest.mark.django_db

# A whole-table read in each database's words.
# (SQLite's SCAN reads a table or a whole index, where SEARCH looks a range up. The one
# exception is the search index, a virtual table that SQLite can only SCAN: with a MATCH
# constraint, `INDEX n:M…`, it reads the lists of the words searched for, not the table.)
FULL_SCAN = re.compile(
    r"^SCAN (?!article_fts VIRTUAL TABLE INDEX \d+:M)|Seq Scan on ", re.MULTILINE
)


@pytest.fixture
def site():
    tags = TagFactory.create_batch(3)
    articles = [ArticleFactory(tags=tags) for _ in range(30)]
    ArticleFactory(draft=True)
    ArticleFactory(scheduled=True)
    for article in articles[:3]:
        CommentFactory.create_batch(3, article=article)
        LikeFactory.create_batch(3, article=article)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # A few rows are cheaper to read whole, so the planner would not show
            # which index it would use at scale; make it show that.
            cursor.execute("SET LOCAL enable_seqscan = off")


def test_no_query_the_pages_run_reads_a_whole_table(site):
    queries = hot_queries()
    assert len(queries) >= 10

    for name, queryset in queries:
        plan = explain(queryset)
        assert not FULL_SCAN.search(plan), f"{name}:\n{plan}"


@pytest.mark.parametrize(
    ("plan", "reads_everything"),
    [
        ("SCAN content_article", True),
        ("SEARCH content_article USING INDEX article_publication (status=?)", False),
        ("SCAN article_fts VIRTUAL TABLE INDEX 0:M3", False),
        ("SCAN article_fts VIRTUAL TABLE INDEX 0:", True),  # no MATCH: every row
        ("SCAN article_fts VIRTUAL TABLE INDEX 0:=", True),  # by rowid, still not a search
        ("Seq Scan on content_article", True),
    ],
)
def test_only_a_full_text_match_may_scan(plan, reads_everything):
    assert bool(FULL_SCAN.search(f"other line\n{plan}")) is reads_everything


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's full-text index")
def test_search_reads_the_full_text_index_then_articles_by_key(site):
    plans = {name: explain(queryset) for name, queryset in hot_queries()}

    for name in ("search, page 1", "search count"):
        assert re.search(r"^SCAN article_fts VIRTUAL TABLE INDEX \d+:M", plans[name], re.M)
        assert "SEARCH content_article USING INTEGER PRIMARY KEY (rowid=?)" in plans[name]


def test_the_command_prints_every_plan(site, capsys):
    call_command("explain_queries")

    printed = capsys.readouterr().out
    assert printed.count("== ") == len(hot_queries())
    assert "article_publication" in printed
