"""The queries every page view runs, and the plans the database makes for them.

`python manage.py explain_queries` prints them (`make bench` saves them beside its
figures, at 10,000 and 100,000 articles); tests/content/test_query_plans.py checks that
none of them reads a whole table, whatever the data size.
"""

from django.contrib.auth.models import AnonymousUser
from django.db import connection

from content import versions
from content.models import Article, Comment, ContentVersion, Like, Tag, published_authors
from content.search import search_articles


def hot_queries():
    """(name, queryset) for each query a page view runs, on a real article, tag and
    author of this database; a query whose rows never grow with the site is left out."""
    article = Article.objects.published().newest_first().select_related("author").first()
    if article is None:
        return []
    tag = Tag.objects.in_use(counted=True).order_by("-article_count").first()
    published = Article.objects.published().for_listing()
    listing = published.newest_first()
    # As `make bench` searches: the longest word of the newest article's title.
    word = max(article.title.split(), key=len).strip(".,:;!?'\"")
    search = search_articles(published, word)
    return [
        ("content versions", ContentVersion.objects.filter(scope__in=[versions.SITE])),
        ("featured", listing.filter(is_featured=True)[:3]),
        ("list, page 1", listing[:20]),
        ("list, page 50", listing[980:1000]),
        ("list count", published.values("pk")),
        ("search, page 1", search[:20]),
        ("search count", search.order_by().values("pk")),
        ("tag page", listing.filter(tags=tag)[:20]),
        ("author page", listing.filter(author=article.author)[:20]),
        ("author profile", published_authors().filter(username=article.author.username)),
        ("article by slug", Article.objects.visible_to(AnonymousUser()).filter(slug=article.slug)),
        ("comments", Comment.objects.visible().thread(article)),
        ("like count", Like.objects.filter(article=article).values("pk")),
        ("older article", Article.objects.published_before(article)[:1]),
        ("newer article", Article.objects.published_after(article)[:1]),
    ]


def explain(queryset):
    """The database's plan for `queryset`, as text."""
    sql, params = queryset.query.sql_with_params()
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        rows = cursor.fetchall()
    # SQLite: (id, parent, notused, detail); PostgreSQL: one text column per line.
    return "\n".join(str(row[-1]) for row in rows)
