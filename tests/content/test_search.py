from datetime import timedelta

import pytest
from django.db import connection

from content.models import Article
from content.search import normalize_query, search_articles
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def search_titles(query, queryset=None):
    queryset = Article.objects.published() if queryset is None else queryset
    return [article.title for article in search_articles(queryset, query)]


def test_finds_a_word_in_title_summary_or_body():
    ArticleFactory(title="Harbour lights", summary="x", body="y")
    ArticleFactory(title="A", summary="The harbour at night", body="y")
    ArticleFactory(title="B", summary="x", body="Ships in the harbour.")
    ArticleFactory(title="Unrelated", summary="x", body="y")

    assert set(search_titles("harbour")) == {"Harbour lights", "A", "B"}


def test_title_matches_rank_above_summary_and_body_matches():
    ArticleFactory(title="Body only", summary="x", body="A lighthouse keeper's diary.")
    ArticleFactory(title="Lighthouse keepers", summary="x", body="y")
    ArticleFactory(title="Summary only", summary="Lighthouse keeper life", body="y")

    assert search_titles("lighthouse keeper") == ["Lighthouse keepers", "Summary only", "Body only"]


def test_every_word_must_match():
    ArticleFactory(title="Red boats", summary="x", body="y")
    ArticleFactory(title="Red and blue boats", summary="x", body="y")

    assert search_titles("red blue") == ["Red and blue boats"]


def test_equal_matches_come_newest_first():
    older = ArticleFactory(title="Tides one")
    ArticleFactory(title="Tides two", published_at=older.published_at + timedelta(minutes=1))

    assert search_titles("tides") == ["Tides two", "Tides one"]


@pytest.mark.parametrize("query", ["", "   ", "\x00", None])
def test_an_empty_query_finds_nothing(query):
    ArticleFactory(title="Anything")

    assert search_titles(query) == []


def test_never_finds_what_the_visibility_rule_hides():
    ArticleFactory(title="Secret harbour", draft=True)
    ArticleFactory(title="Future harbour", scheduled=True)
    ArticleFactory(title="Open harbour")

    assert search_titles("harbour") == ["Open harbour"]


@pytest.mark.parametrize(
    "query",
    ['"unbalanced', "a & b | !c", "-", "or", "'; drop table x; --", "%_", "\\", "()<>:*"],
)
def test_query_syntax_is_never_an_error(query):
    ArticleFactory(title="Plain")

    assert isinstance(search_titles(query), list)


def test_normalize_query_collapses_whitespace_and_bounds_length():
    assert normalize_query("  many \n\t spaces ") == "many spaces"
    assert len(normalize_query("x" * 5000)) == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN index exists on PostgreSQL")
def test_postgres_search_uses_the_gin_index():
    ArticleFactory.create_batch(3)
    # Unfiltered, so the search condition is the only one an index could serve.
    queryset = search_articles(Article.objects.all(), "harbour")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        plan = queryset.explain()
        cursor.execute("RESET enable_seqscan")

    assert "article_search_document" in plan
