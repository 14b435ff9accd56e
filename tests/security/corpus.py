"""The hostile input corpus (xss_payloads.txt) and a site built from it.

Every payload is planted in every field a reader or an author controls that the site
shows: article titles, summaries and Markdown bodies, tag names, comment bodies, display
names (and first/last names, the fallback when there is none) and bios. Fields have
length limits, so payloads are packed whole, several to a value, as many as fit; a
payload longer than a field is left out of that field only.
"""

import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from content.models import Article, Tag, User
from tests.factories import (
    ArticleFactory,
    BookmarkFactory,
    CommentFactory,
    TagFactory,
    UserFactory,
)

CORPUS_PATH = Path(__file__).with_name("xss_payloads.txt")
ESCAPE = re.compile(r"\\(\\|n|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4})")

# Payloads per article body, and so the number of article pages that carry them all.
BODY_BATCH = 40


def _unescape(match):
    code = match[1]
    if code in {"\\", "n"}:
        return "\n" if code == "n" else "\\"
    return chr(int(code[1:], 16))


def load_payloads():
    """The corpus, escapes decoded; comment lines ("# ...") and blank lines left out."""
    lines = CORPUS_PATH.read_text(encoding="utf-8").splitlines()
    return [ESCAPE.sub(_unescape, line) for line in lines if line and not _is_comment(line)]


def _is_comment(line):
    return line == "#" or line.startswith("# ")


def storable(text):
    """`text` as a database can hold it. PostgreSQL refuses NUL in text; the forms and
    the API refuse it before it gets there (tests/security/test_transport.py)."""
    return text.replace("\x00", "")


def pack(payloads, limit):
    """Whole payloads joined by spaces into values of at most `limit` characters."""
    values, current = [], ""
    for payload in (storable(p) for p in payloads):
        if len(payload) > limit:
            continue
        candidate = f"{current} {payload}" if current else payload
        if len(candidate) > limit:
            values.append(current)
            candidate = payload
        current = candidate
    if current:
        values.append(current)
    return values


def chunks(items, size):
    return [items[start : start + size] for start in range(0, len(items), size)]


@dataclass
class HostileSite:
    payloads: list
    articles: list  # every published article, newest first
    body_articles: list  # the ones whose bodies and comments carry the corpus
    tags: list
    authors: list  # people with published articles: they have author pages
    commenters: list
    reader: User  # has bookmarked every article
    search_queries: list = field(default_factory=list)


def build_hostile_site(payloads):
    title_values = pack(payloads, Article._meta.get_field("title").max_length)
    summary_values = pack(payloads, 500)
    tag_values = pack(payloads, Tag._meta.get_field("name").max_length)
    name_values = pack(payloads, User._meta.get_field("display_name").max_length)
    bodies = ["\n\n".join(storable(p) for p in batch) for batch in chunks(payloads, BODY_BATCH)]

    people = []
    for index, name in enumerate(name_values):
        # Every third person has no display name, so their first or last name shows.
        if index % 3 == 2:
            person = UserFactory(display_name="", first_name=name if index % 2 else "")
            if not person.first_name:
                person.last_name = name
                person.save(update_fields=["last_name"])
        else:
            person = UserFactory(display_name=name)
        person.bio = name
        person.save(update_fields=["bio"])
        people.append(person)

    tags = [TagFactory(name=name) for name in tag_values]
    article_count = max(len(title_values), len(bodies))
    now = timezone.now()
    articles = []
    for index in range(article_count):
        articles.append(
            ArticleFactory(
                title=title_values[index % len(title_values)],
                summary=summary_values[index % len(summary_values)],
                body=bodies[index] if index < len(bodies) else "A plain body.",
                author=people[index % len(people)],
                published_at=now - timedelta(minutes=index + 1),
                tags=tags[index::article_count],
            )
        )
    body_articles = articles[: len(bodies)]

    commenters = people[article_count:] or people
    for index, payload in enumerate(payloads):
        CommentFactory(
            article=body_articles[index % len(body_articles)],
            author=commenters[index % len(commenters)],
            body=storable(payload),
        )

    # A reader of long standing: a new account's comment full of links waits for a
    # moderator, and the browser test posts the corpus as comments.
    reader = UserFactory(
        username="hostile-reader", date_joined=timezone.now() - timedelta(days=365)
    )
    for article in articles:
        BookmarkFactory(user=reader, article=article)

    authors = list(dict.fromkeys(article.author for article in articles))
    return HostileSite(
        payloads=payloads,
        articles=articles,
        body_articles=body_articles,
        tags=tags,
        authors=authors,
        commenters=commenters,
        reader=reader,
        # The search page keeps at most 200 characters of a query.
        search_queries=pack(payloads, 200),
    )
