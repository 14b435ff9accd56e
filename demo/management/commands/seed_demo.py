"""`manage.py seed_demo`: demo authors, readers, tags, articles, comments, likes, bookmarks.

Every demo object has a fixed identity (username, tag name, article slug, comment
number) and is generated from its own seed (`demo.generate`), so running the command
again creates nothing, and a larger `--articles` adds only the articles still missing.
Demo users are the accounts at `@demo.gazette.test`; `--reset` removes them and all
they wrote, liked or bookmarked, then seeds afresh.

Rows are written with `bulk_create` in chunks inside one transaction, so
`--articles 100000` takes well under two minutes, and an interrupted run leaves nothing.
"""

import time
from collections import Counter
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction
from django.db.models import Value
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from content import versions
from content.models import Article, Bookmark, Comment, Like, Tag, User, reading_minutes
from demo import generate as demo
from demo.covers import SIZE as COVER_SIZE
from demo.covers import WITHOUT_COVER_EVERY, ensure_covers

# Articles generated, checked and inserted together; small enough that `slug__in`
# stays within SQLite's parameter limit.
ARTICLE_CHUNK = 500
COMMENT_BATCH = 1000
# Comments go to the newest published demo articles, where readers actually are.
COMMENTED_ARTICLES = 60
# One comment in three answers another.
REPLY_EVERY = 3
# How long before publication a demo article was started.
WRITING_TIME = timedelta(hours=2)

ROLES = {"Authors": demo.AUTHORS, "Editors": (demo.EDITOR,)}
STATUS = {
    demo.DRAFT: Article.Status.DRAFT,
    demo.SCHEDULED: Article.Status.PUBLISHED,
    demo.PUBLISHED: Article.Status.PUBLISHED,
}


class Command(BaseCommand):
    help = "Create demo users, tags, articles, comments, likes and bookmarks (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--articles", type=int, default=40, help="How many demo articles should exist."
        )
        parser.add_argument(
            "--comments", type=int, default=200, help="How many demo comments should exist."
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo users and everything they wrote first.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the site has any article (how `make run` seeds only once).",
        )

    def handle(self, *, articles, comments, reset, if_empty, **options):
        if articles < 0 or comments < 0:
            raise CommandError("--articles and --comments cannot be negative.")
        if if_empty and Article.objects.exists():
            self.stdout.write("The site already has articles; no demo content added.")
            return
        started = time.monotonic()
        # Rows in bulk: one new "site" version at the end, not one per row.
        with versions.bulk_change(), transaction.atomic():
            if reset:
                removed = delete_demo_content()
                self.stdout.write(
                    "Removed "
                    + ", ".join(
                        f"{removed[model._meta.label]} {model._meta.verbose_name_plural}"
                        for model in (User, Tag, Article, Comment, Like, Bookmark)
                    )
                    + "."
                )
            before = demo_counts()
            seed_demo_content(articles=articles, comments=comments)
            after = demo_counts()
        # Planner statistics for what was just loaded in bulk: until autovacuum gets to
        # it, PostgreSQL would plan a tag page of 100,000 articles as a full scan.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        created = ", ".join(f"{after[name] - before[name]} {name}" for name in after)
        totals = ", ".join(f"{count} {name}" for name, count in after.items())
        self.stdout.write(
            self.style.SUCCESS(f"Created {created} in {time.monotonic() - started:.1f} s.")
        )
        self.stdout.write(f"Demo content now: {totals}.")


def demo_users():
    """The demo accounts, recognised by their reserved e-mail domain."""
    return User.objects.filter(email__endswith=f"@{demo.DEMO_EMAIL_DOMAIN}")


def demo_counts():
    """How many demo objects of each kind exist, by plural name."""
    users = demo_users()
    return {
        "users": users.count(),
        "tags": Tag.objects.filter(name__in=demo.TAG_NAMES).count(),
        "articles": Article.objects.filter(author__in=users).count(),
        "comments": Comment.objects.filter(author__in=users).count(),
        "likes": Like.objects.filter(user__in=users).count(),
        "bookmarks": Bookmark.objects.filter(user__in=users).count(),
    }


def delete_demo_content():
    """Delete the demo users, everything they wrote, liked or bookmarked, and the demo
    tags no other article uses. Returns the deleted rows per model label."""
    users = demo_users()
    deleted = Counter()
    for queryset in (
        # Article.author is PROTECT, so the articles go first. Only their keys are
        # loaded: the cascades to comments, likes, bookmarks and tag links are deleted
        # by query, and 100,000 bodies need not be read to be thrown away.
        Article.objects.filter(author__in=users).only("pk"),
        users,
        # A tag an editor put on a real article stays.
        Tag.objects.filter(name__in=demo.TAG_NAMES, articles__isnull=True),
    ):
        deleted.update(queryset.delete()[1])
    return deleted


def seed_demo_content(*, articles, comments):
    """Make sure the demo users, the demo tags, demo articles 0 to `articles - 1` and at
    least `comments` demo comments exist, creating only what is missing."""
    now = timezone.now()
    user_ids = _ensure_users()
    author_ids = [user_ids[author.username] for author in demo.AUTHORS]
    tag_ids = {name: Tag.objects.get_or_create(name=name)[0].pk for name in demo.TAG_NAMES}
    reference = _reference_time(now, author_ids)
    covers = ensure_covers() if articles else {}
    _ensure_articles(
        count=articles, reference=reference, user_ids=user_ids, tag_ids=tag_ids, covers=covers
    )
    _ensure_comments(total=comments, now=now, user_ids=user_ids, author_ids=author_ids)


def _ensure_users():
    """Create the missing demo users and their group memberships; return all their ids
    by username."""
    roles = {person.username: role for role, people in ROLES.items() for person in people}
    people = {person.username: person for person in (*demo.AUTHORS, demo.EDITOR, *demo.READERS)}
    existing = User.objects.filter(username__in=people)
    if taken := sorted(user.username for user in existing.exclude(pk__in=demo_users())):
        raise CommandError(f"Usernames needed for demo users belong to real users: {taken}")

    # Nobody signs in as a demo user until an admin sets a password. An unusable
    # password is just a marker, so one serves everybody.
    password = make_password(None)
    have = set(existing.values_list("username", flat=True))
    User.objects.bulk_create(
        User(
            username=username,
            email=person.email,
            first_name=person.first_name,
            last_name=person.last_name,
            display_name=person.name,
            bio=person.bio,
            is_staff=username in roles,
            password=password,
        )
        for username, person in people.items()
        if username not in have
    )
    user_ids = dict(User.objects.filter(username__in=people).values_list("username", "id"))

    group_ids = dict(Group.objects.filter(name__in=ROLES).values_list("name", "id"))
    if missing_groups := set(ROLES) - set(group_ids):
        raise CommandError(f"Groups {sorted(missing_groups)} are missing; run migrate first.")
    Membership = User.groups.through
    Membership.objects.bulk_create(
        [
            Membership(user_id=user_ids[username], group_id=group_ids[role])
            for username, role in roles.items()
        ],
        ignore_conflicts=True,
    )
    return user_ids


def _reference_time(now, author_ids):
    """The moment demo publication times count from.

    Article 0 keeps it: reusing it when more articles are added later puts the new,
    older articles behind the existing ones instead of among them.
    """
    offset = demo.published_offset(0)
    published_at = (
        Article.objects.filter(slug=demo.article_slug(0), author__in=author_ids)
        .values_list("published_at", flat=True)
        .first()
    )
    if published_at is None or offset is None:
        return now
    return published_at - offset


def _ensure_articles(*, count, reference, user_ids, tag_ids, covers):
    Tagging = Article.tags.through
    for start in range(0, count, ARTICLE_CHUNK):
        index_by_slug = {
            demo.article_slug(index): index
            for index in range(start, min(start + ARTICLE_CHUNK, count))
        }
        # Any article holding a demo slug counts as present, so no insert can collide.
        taken = set(
            Article.objects.filter(slug__in=list(index_by_slug)).values_list("slug", flat=True)
        )
        missing = [index for slug, index in index_by_slug.items() if slug not in taken]
        if not missing:
            continue
        # With DEBUG on, Django keeps the SQL of the last 9,000 queries: here that is
        # hundreds of megabytes of article bodies nobody will read.
        reset_queries()
        plans = [demo.article_plan(index) for index in missing]
        articles = Article.objects.bulk_create(
            _article(plan, reference=reference, user_ids=user_ids, covers=covers) for plan in plans
        )
        _backdate(articles, reference=reference)
        pairs = list(zip(articles, plans, strict=True))
        Tagging.objects.bulk_create(
            Tagging(article_id=article.pk, tag_id=tag_ids[name])
            for article, plan in pairs
            for name in plan.tags
        )
        Like.objects.bulk_create(
            (
                Like(article_id=article.pk, user_id=user_ids[username])
                for article, plan in pairs
                for username in plan.liked_by
            ),
            ignore_conflicts=True,
        )
        Bookmark.objects.bulk_create(
            (
                Bookmark(article_id=article.pk, user_id=user_ids[username])
                for article, plan in pairs
                for username in plan.bookmarked_by
            ),
            ignore_conflicts=True,
        )


def _article(plan, *, reference, user_ids, covers):
    # bulk_create skips Article.save(), so everything save() derives is set here;
    # body_html comes pre-rendered from the block pool.
    cover, alt = covers.get(plan.tags[0], ("", ""))
    if plan.index % WITHOUT_COVER_EVERY == WITHOUT_COVER_EVERY - 1:
        cover, alt = "", ""
    return Article(
        cover_image=cover,
        cover_width=COVER_SIZE[0] if cover else None,
        cover_height=COVER_SIZE[1] if cover else None,
        cover_alt=alt,
        title=plan.title,
        slug=plan.slug,
        summary=plan.summary,
        body=plan.body,
        body_html=plan.body_html,
        reading_time=reading_minutes(plan.body),
        author_id=user_ids[plan.author],
        status=STATUS[plan.kind],
        published_at=None if plan.published_offset is None else reference + plan.published_offset,
        is_featured=plan.is_featured,
    )


def _backdate(articles, *, reference):
    """Give new articles the history their publication time implies.

    created_at and updated_at are auto_now fields, which bulk_create fills with the
    time of the insert whatever the objects hold; one UPDATE per chunk corrects them:
    started a little before publication (drafts and scheduled articles: before the
    reference time) and last changed on publishing.
    """
    last_change = Least(Coalesce("published_at", Value(reference)), Value(reference))
    Article.objects.filter(pk__in=[article.pk for article in articles]).update(
        created_at=last_change - Value(WRITING_TIME), updated_at=last_change
    )


def _ensure_comments(*, total, now, user_ids, author_ids):
    """Top the demo comments up to `total`, spread over the newest published demo articles."""
    existing = Comment.objects.filter(author_id__in=user_ids.values()).count()
    if existing >= total:
        return
    newest = list(
        Article.objects.published()
        .filter(author_id__in=author_ids)
        .newest_first()
        .values_list("pk", "published_at")[:COMMENTED_ARTICLES]
    )
    if not newest:
        return
    comments = []
    for number in range(existing, total):
        plan = demo.comment_plan(number)
        article_id, published_at = newest[int(plan.recency * len(newest))]
        comments.append(
            Comment(
                article_id=article_id,
                author_id=user_ids[plan.author],
                body=plan.body,
                is_hidden=plan.is_hidden,
                created_at=min(published_at + plan.delay, now),
            )
        )
    Comment.objects.bulk_create(comments, batch_size=COMMENT_BATCH)
    _answer_some(comments)


def _answer_some(comments):
    """Make every REPLY_EVERY-th new comment a reply to the latest earlier root of its
    article, so that the demo shows threads (and, under a hidden root, the placeholder)."""
    latest_root = {}
    replies = []
    for number, comment in sorted(enumerate(comments), key=lambda pair: pair[1].created_at):
        root = latest_root.get(comment.article_id)
        if root is not None and number % REPLY_EVERY == 0:
            comment.parent = root
            replies.append(comment)
        else:
            latest_root[comment.article_id] = comment
    Comment.objects.bulk_update(replies, ["parent"], batch_size=COMMENT_BATCH)
