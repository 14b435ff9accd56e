from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from content.models import Article, ArticleSearchIndex
from content.search import fts5_query, normalize_query, search_articles, websearch_query
from tests.factories import ArticleFactory
from tests.search_index import assert_the_index_holds_exactly_the_articles

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


HOSTILE_QUERIES = [
    '"unbalanced',
    "a & b | !c",
    "-",
    "or",
    "'; drop table x; --",
    "%_",
    "\\",
    "()<>:*",
    # FTS5's own syntax: phrases, prefixes, operators, NEAR groups, columns, initial tokens.
    '"',
    '""',
    '"plain" "',
    "*",
    "plain*",
    "-plain",
    "plain OR other",
    "plain AND NOT other",
    "NEAR(plain other, 2)",
    "plain + other",
    "title:plain",
    "{title body}: plain",
    "^plain",
    "a\x00b",
    '" OR "' * 40,
    "NEAR(" * 40,
    "*" * 200,
    '"' * 200,
    "plain " * 40,
    "-" * 33,
    "plain " + "- " * 40,
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_query_syntax_is_never_an_error(query):
    ArticleFactory(title="Plain")

    assert isinstance(search_titles(query), list)


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_the_search_page_and_the_api_answer_any_query(client, query):
    ArticleFactory(title="Plain")

    assert client.get(reverse("pages:search"), {"q": query}).status_code == 200
    # The API refuses a NUL in any parameter, as a bad request.
    api_status = client.get(reverse("api:article-list"), {"search": query}).status_code
    assert api_status == (400 if "\x00" in query else 200)


# Both databases' query syntax (websearch_to_tsquery, FTS5) in a few tokens, so that
# generated text hits their operators in every order; and any text at all.
SYNTAX_TOKENS = [*"-\"!&|()<>*:^+~\\' \t\n\x00a", "or", "NEAR", "harbour"]
SYNTAX_TEXT = st.lists(st.sampled_from(SYNTAX_TOKENS), max_size=120).map("".join)
search_settings = settings(
    max_examples=100,
    deadline=None,
    database=None,
    # One article made by the test serves every example, which only reads.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture
def plain_article(db):
    return ArticleFactory(title="Plain")


@search_settings
@given(query=st.one_of(st.text(), SYNTAX_TEXT))
@example(query="-" * 33)
@example(query="a!" + "-!" * 40)
@example(query="- " * 100)
def test_search_articles_answers_any_text(plain_article, query):
    # Each example in a savepoint: on PostgreSQL a failed query would otherwise spoil
    # the transaction for every later example, and hypothesis would shrink to nonsense.
    with transaction.atomic():
        found = list(search_articles(Article.objects.published(), query))

    assert found in ([], [plain_article])


@pytest.mark.parametrize(
    ("query", "as_read"),
    [
        ("-" * 40, "-"),
        ("--harbour", "-harbour"),
        ("harbour - -rain", "harbour  -rain"),
        ("-!-(-<-&-|-", "!(<&|-"),
        ("harbour-rain -rain", "harbour-rain -rain"),
    ],
)
def test_a_run_of_minus_signs_is_read_as_one(query, as_read):
    assert websearch_query(query) == as_read


@pytest.mark.parametrize(
    "query", ['"harbour', 'harbour"', '"harbour"', "harbour*", "(harbour)", "^harbour", "+harbour"]
)
def test_punctuation_around_a_word_still_finds_it(query):
    ArticleFactory(title="Harbour lights")
    ArticleFactory(title="Unrelated")

    assert search_titles(query) == ["Harbour lights"]


def test_each_word_becomes_a_quoted_fts5_string():
    assert fts5_query('Say "hi" NEAR x* x*') == '"say" """hi""" "near" "x*"'


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


# --- Ranking --------------------------------------------------------------------------------


def test_a_title_match_outranks_a_summary_that_repeats_the_word():
    ArticleFactory(title="Notes", summary="The lighthouse, the lighthouse, the lighthouse.")
    ArticleFactory(title="A long account of the old lighthouse on the northern cape")

    assert search_titles("lighthouse") == [
        "A long account of the old lighthouse on the northern cape",
        "Notes",
    ]


def test_a_summary_match_outranks_a_body_that_repeats_the_word():
    ArticleFactory(title="Body", summary="x", body="Ferry, ferry, ferry, ferry, ferry.")
    ArticleFactory(title="Summary", summary="About the evening ferry to the islands.", body="y")

    assert search_titles("ferry") == ["Summary", "Body"]


def test_every_result_carries_its_rank_best_first():
    ArticleFactory(title="Harbour", summary="x", body="y")
    ArticleFactory(title="B", summary="The harbour", body="y")
    ArticleFactory(title="C", summary="x", body="A harbour")

    ranks = [a.search_rank for a in search_articles(Article.objects.published(), "harbour")]

    assert len(ranks) == 3
    assert ranks == sorted(ranks, reverse=True)
    assert ranks[0] > ranks[1] > ranks[2]


# --- The index follows every write ------------------------------------------------------------


def test_a_new_article_is_found_at_once():
    ArticleFactory(title="Harbour lights")

    assert search_titles("harbour") == ["Harbour lights"]
    assert_the_index_holds_exactly_the_articles()


def test_an_edited_title_is_found_by_its_new_words_not_its_old_ones():
    article = ArticleFactory(title="Harbour lights")

    article.title = "Lighthouse keepers"
    article.save()

    assert search_titles("harbour") == []
    assert search_titles("lighthouse") == ["Lighthouse keepers"]
    assert_the_index_holds_exactly_the_articles()


def test_an_edited_body_is_found_by_its_new_words_not_its_old_ones():
    article = ArticleFactory(title="Notes", body="About the harbour.")

    article.body = "About the ferry."
    article.save(update_fields=["body"])

    assert search_titles("harbour") == []
    assert search_titles("ferry") == ["Notes"]
    assert_the_index_holds_exactly_the_articles()


def test_a_summary_changed_by_a_bulk_update_is_found_by_its_new_words():
    article = ArticleFactory(title="Notes", summary="Harbour life.")

    Article.objects.filter(pk=article.pk).update(summary="Island life.")

    assert search_titles("harbour") == []
    assert search_titles("island") == ["Notes"]
    assert_the_index_holds_exactly_the_articles()


def test_a_change_that_leaves_the_text_alone_leaves_the_index_right():
    article = ArticleFactory(title="Harbour lights", draft=True)
    assert search_titles("harbour") == []

    article.status = Article.Status.PUBLISHED
    article.save(update_fields=["status", "published_at"])

    assert search_titles("harbour") == ["Harbour lights"]
    assert_the_index_holds_exactly_the_articles()


def test_a_deleted_article_leaves_the_index():
    ArticleFactory(title="Harbour lights").delete()
    ArticleFactory(title="Harbour news")

    assert search_titles("harbour") == ["Harbour news"]
    if connection.vendor == "sqlite":
        # Not hidden by the join to articles: gone from the index itself.
        assert ArticleSearchIndex.objects.filter(document__matches="lights").count() == 0
    assert_the_index_holds_exactly_the_articles()


def test_articles_created_in_bulk_are_found():
    author = ArticleFactory().author
    Article.objects.bulk_create(
        Article(
            title=f"Ferry timetable {n}",
            slug=f"ferry-{n}",
            summary="x",
            body="Departures from the harbour.",
            author=author,
            status=Article.Status.PUBLISHED,
            published_at=timezone.now() - timedelta(minutes=n),
        )
        for n in range(3)
    )

    assert search_titles("harbour departures") == [
        "Ferry timetable 0",
        "Ferry timetable 1",
        "Ferry timetable 2",
    ]
    assert_the_index_holds_exactly_the_articles()
