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
# (SQLite's SCAN reads a table or a whole index, where SEARCH looks a range up.)
FULL_SCAN = re.compile(r"^SCAN |Seq Scan on ", re.MULTILINE)


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


def test_the_command_prints_every_plan(site, capsys):
    call_command("explain_queries")

    printed = capsys.readouterr().out
    assert printed.count("== ") == len(hot_queries())
    assert "article_publication" in printed
