"""Article search: the one function behind the search page and the API's `search` parameter.

On PostgreSQL it is full-text search (title weighted above summary above body) ranked by
`ts_rank`, over the document stored and indexed in the `search_document` column
(migration 0006). On SQLite every word must appear in the title, summary or body, and
title matches rank above summary matches above body ones.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connections
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL

MAX_QUERY_LENGTH = 200
MAX_FALLBACK_TERMS = 8
SEARCH_CONFIG = "english"


def normalize_query(raw_query):
    """The query as searched: whitespace collapsed, NULs dropped, at most 200 characters."""
    cleaned = " ".join((raw_query or "").replace("\x00", " ").split())
    return cleaned[:MAX_QUERY_LENGTH].strip()


def search_articles(queryset, raw_query):
    """Narrow `queryset` (already filtered by the visibility rule) to the articles that
    match `raw_query`, best match first, then newest. Each row carries `search_rank`.
    An empty query matches nothing."""
    query = normalize_query(raw_query)
    if not query:
        return queryset.none()
    if connections[queryset.db].vendor == "postgresql":
        return _postgres_search(queryset, query)
    return _fallback_search(queryset, query)


# The weighted document (title A, summary B, body C), which PostgreSQL keeps in a
# generated column with a GIN index (migration 0006): matching and ranking read it.
SEARCH_DOCUMENT = RawSQL('"content_article"."search_document"', [], SearchVectorField())


def _postgres_search(queryset, query):
    # websearch syntax: quotes, `or` and `-word` work; nothing a reader types is an error.
    search_query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    return (
        queryset.alias(search_document=SEARCH_DOCUMENT)
        .filter(search_document=search_query)
        .annotate(search_rank=SearchRank(F("search_document"), search_query))
        .order_by("-search_rank", "-published_at", "-id")
    )


def _fallback_search(queryset, query):
    terms = list(dict.fromkeys(query.casefold().split()))[:MAX_FALLBACK_TERMS]
    matches_every_term = Q()
    rank = Value(0)
    for term in terms:
        matches_every_term &= (
            Q(title__icontains=term) | Q(summary__icontains=term) | Q(body__icontains=term)
        )
        rank += Case(
            When(title__icontains=term, then=Value(4)),
            When(summary__icontains=term, then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
    return (
        queryset.filter(matches_every_term)
        .annotate(search_rank=rank)
        .order_by("-search_rank", "-published_at", "-id")
    )
