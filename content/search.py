"""Article search: the one function behind the search page and the API's `search` parameter.

Every word must be found in the title, summary or body; a word found in the title weighs
more than one found in the summary, more than one found in the body; equal matches come
newest first. Both databases read an index, not every article. On PostgreSQL it is
full-text search ranked by `ts_rank` over the document stored and indexed in the
`search_document` column (migration 0006); on SQLite, an FTS5 index ranked by bm25
(migration 0008).
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connections
from django.db.models import F, FloatField, Func
from django.db.models.expressions import RawSQL

MAX_QUERY_LENGTH = 200
# Words a query is searched for; more would only add work to a request.
MAX_TERMS = 8
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
    return _sqlite_search(queryset, query)


# The weighted document (title A, summary B, body C), which PostgreSQL keeps in a
# generated column with a GIN index (migration 0006): matching and ranking read it.
SEARCH_DOCUMENT = RawSQL('"content_article"."search_document"', [], SearchVectorField())


# websearch_to_tsquery skips white space and the characters below between operands, and
# reads every `-` there as a NOT; 33 NOTs in a row overflow its operator stack ("tsquery
# stack too small", a 500). A reader means one minus by a run of them.
MINUS_RUN = re.compile(r"-(?=[\s!&|()<]*-)")


def websearch_query(query):
    """`query` for websearch_to_tsquery: each run of minus signs, with what the parser
    skips between them, cut down to its last minus."""
    return MINUS_RUN.sub("", query)


def _postgres_search(queryset, query):
    # websearch syntax: quotes, `or` and `-word` work; nothing a reader types is an error.
    search_query = SearchQuery(
        websearch_query(query), search_type="websearch", config=SEARCH_CONFIG
    )
    return (
        queryset.alias(search_document=SEARCH_DOCUMENT)
        .filter(search_document=search_query)
        .annotate(search_rank=SearchRank(F("search_document"), search_query))
        .order_by("-search_rank", "-published_at", "-id")
    )


# SQLite: FTS5 over title, summary and body (migration 0008), with the `porter`
# stemmer over `unicode61` words rather than the `trigram` tokenizer. Trigrams would
# keep the old scan's substring matches ("harb" finding "harbour"), but words under
# three letters would need a scan again, the index would be five times the size (+50 MB
# against +10 MB on the 10,000 demo articles), and a common word reads the long lists
# of its every trigram. Stemmed words are what PostgreSQL matches (english
# configuration: "lighthouse" finds "lighthouses", "keeper" finds "keeper's"), so
# both databases find the same articles, and the tests hold for both.
#
# Ranking: bm25, where a word found in the title counts ten times one found in the
# summary, which counts ten times one found in the body. FTS5 adds a row's column
# weights per occurrence and then saturates the sum (k1 = 1.2), so weights of the
# usual size (10, 5, 1) come out nearly equal; scaled down to where bm25 is still
# linear, they multiply as written. Shorter articles rank first among equal counts.
COLUMN_WEIGHTS = tuple(weight * 1e-4 for weight in (100, 10, 1))


class BM25(Func):
    """FTS5's bm25() of the full-text match: lower is better."""

    function = "bm25"
    output_field = FloatField()


def fts5_query(query):
    """`query` as an FTS5 expression that every word must match: each word a quoted
    string, so that nothing a reader types (quotes, `*`, `-`, `OR`, `NEAR`, brackets)
    is syntax. A word of punctuation alone holds no token and FTS5 ignores it."""
    terms = list(dict.fromkeys(query.casefold().split()))[:MAX_TERMS]
    return " ".join('"' + term.replace('"', '""') + '"' for term in terms)


def _sqlite_search(queryset, query):
    rank = BM25("search_index__document", *COLUMN_WEIGHTS)
    return (
        queryset.filter(search_index__document__matches=fts5_query(query))
        .annotate(search_rank=-rank)
        .order_by("-search_rank", "-published_at", "-id")
    )
