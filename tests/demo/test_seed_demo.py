"""`manage.py seed_demo`: complete, readable, repeatable and removable demo content."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from content.markdown import render_markdown
from content.models import Article, Bookmark, Comment, Like, Tag, User
from content.search import search_articles
from demo import generate as demo
from tests.factories import ArticleFactory, UserFactory
from tests.search_index import assert_the_index_holds_exactly_the_articles

SMALL = {"articles": 30, "comments": 40}
CONTENT = ("slug", "title", "summary", "body", "body_html", "author__username")


def seed(**options):
    call_command("seed_demo", stdout=StringIO(), **{**SMALL, **options})


def row_counts():
    return {
        "users": User.objects.count(),
        "tags": Tag.objects.count(),
        "articles": Article.objects.count(),
        "tag links": Article.tags.through.objects.count(),
        "group memberships": User.groups.through.objects.count(),
        "comments": Comment.objects.count(),
        "hidden comments": Comment.objects.filter(is_hidden=True).count(),
        "likes": Like.objects.count(),
        "bookmarks": Bookmark.objects.count(),
    }


def index_of(article):
    return int(article.slug.rsplit("-", 1)[1]) - 1


def test_seed_creates_drafts_scheduled_and_published_articles(db):
    seed()

    now = timezone.now()
    drafts = Article.objects.filter(status=Article.Status.DRAFT)
    scheduled = Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=now)
    published = Article.objects.published()
    assert drafts.exists()
    assert not drafts.filter(published_at__isnull=False).exists()
    assert scheduled.exists()
    assert published.count() == 30 - drafts.count() - scheduled.count() > 20
    assert published.filter(is_featured=True).exists()
    assert not Article.objects.filter(tags__isnull=True).exists()
    assert Tag.objects.count() == len(demo.TAG_NAMES) == 12


def test_published_articles_go_back_from_now_newest_first_with_the_featured_among_the_newest(db):
    seed()

    newest_first = list(Article.objects.published().newest_first())
    assert [index_of(a) for a in newest_first] == sorted(index_of(a) for a in newest_first)
    featured = [position for position, a in enumerate(newest_first) if a.is_featured]
    assert featured
    assert max(featured) < 12
    for article in newest_first:
        assert article.created_at < article.published_at == article.updated_at


def test_seed_creates_comments_some_hidden_likes_and_bookmarks_on_published_articles(db):
    seed()

    assert Comment.objects.count() == 40
    assert Comment.objects.filter(is_hidden=True).exists()
    assert Comment.objects.filter(is_hidden=False).exists()
    assert Comment.objects.visible().count() == Comment.objects.filter(is_hidden=False).count()
    published = Article.objects.published()
    assert not Comment.objects.exclude(article__in=published).exists()
    assert Like.objects.exists()
    assert not Like.objects.exclude(article__in=published).exists()
    assert Bookmark.objects.exists()
    for comment in Comment.objects.select_related("article"):
        assert comment.article.published_at < comment.created_at <= timezone.now()


def test_running_twice_changes_no_counts(db):
    seed()
    first = row_counts()

    seed()

    assert row_counts() == first


def test_a_larger_article_count_adds_only_the_missing_older_articles(db):
    seed()
    before = dict(Article.objects.values_list("slug", "pk"))
    oldest_before = Article.objects.published().order_by("published_at").first()

    seed(articles=45)

    after = dict(Article.objects.values_list("slug", "pk"))
    assert len(after) == 45
    assert {slug: after[slug] for slug in before} == before
    assert set(after) - set(before) == {demo.article_slug(index) for index in range(30, 45)}
    added = Article.objects.published().exclude(slug__in=before)
    assert added.exists()
    assert not added.filter(published_at__gte=oldest_before.published_at).exists()


def test_comments_option_is_the_total_of_demo_comments_to_ensure(db):
    seed()

    seed(comments=55)
    assert Comment.objects.count() == 55

    seed(comments=10)
    assert Comment.objects.count() == 55


def test_reset_leaves_the_same_counts_as_a_fresh_seed_and_no_stale_demo_objects(db):
    seed()
    fresh = row_counts()
    fresh_content = set(Article.objects.values_list(*CONTENT))
    seed(articles=40, comments=70)
    stale = {
        model: set(queryset.values_list("pk", flat=True))
        for model, queryset in (
            (Article, Article.objects.all()),
            (Comment, Comment.objects.all()),
            (User, User.objects.all()),
        )
    }
    # A real article under a demo tag, liked by a demo reader: the article and the tag
    # stay, the like goes with its demo user.
    real_article = ArticleFactory(tags=[Tag.objects.get(name="Science")])
    Like.objects.create(article=real_article, user=User.objects.get(username="mei.chen"))

    seed(reset=True)

    assert row_counts() == {
        **fresh,
        "users": fresh["users"] + 1,
        "articles": fresh["articles"] + 1,
        "tag links": fresh["tag links"] + 1,
    }
    for model, pks in stale.items():
        assert not model.objects.filter(pk__in=pks).exists()
    demo_articles = Article.objects.exclude(pk=real_article.pk)
    assert set(demo_articles.values_list(*CONTENT)) == fresh_content


def test_articles_seeded_in_bulk_are_searchable_and_the_index_stays_exact(db):
    seed()
    assert_the_index_holds_exactly_the_articles()
    newest = Article.objects.published().newest_first().first()
    word = max(newest.title.split(), key=len).strip(".,:;!?'\"")

    assert newest in search_articles(Article.objects.published(), word)

    seed(articles=45)
    assert_the_index_holds_exactly_the_articles()
    seed(reset=True)
    assert_the_index_holds_exactly_the_articles()


def test_body_html_is_the_rendered_body_for_every_seeded_article(db):
    seed()

    for article in Article.objects.all():
        assert article.body_html == render_markdown(article.body)


def test_bodies_assembled_from_pre_rendered_blocks_render_exactly_like_the_whole_body():
    for index in range(1000):
        plan = demo.article_plan(index)
        assert plan.body_html == render_markdown(plan.body), plan.slug


def test_seeded_text_is_readable_english_without_lorem_ipsum(db):
    seed()

    texts = [
        *Article.objects.values_list("title", "summary", "body").iterator(),
        *Comment.objects.values_list("body").iterator(),
        *User.objects.values_list("display_name", "bio").iterator(),
        *Tag.objects.values_list("name").iterator(),
    ]
    for text in (value for row in texts for value in row):
        assert "lorem" not in text.lower()
        assert "ipsum" not in text.lower()
    article = Article.objects.published().first()
    assert article.body.count("\n\n") >= 3
    assert article.reading_time >= 1


def test_demo_authors_are_staff_in_the_authors_group_and_nobody_can_sign_in(db):
    seed()

    for person in demo.AUTHORS:
        author = User.objects.get(username=person.username)
        assert author.is_staff
        assert list(author.groups.values_list("name", flat=True)) == ["Authors"]
        assert author.bio
        assert author.public_name == person.name
    editor = User.objects.get(username=demo.EDITOR.username)
    assert editor.is_staff
    assert list(editor.groups.values_list("name", flat=True)) == ["Editors"]
    readers = User.objects.filter(username__in=[p.username for p in demo.READERS])
    assert readers.count() == len(demo.READERS) == 30
    assert not readers.filter(is_staff=True).exists()
    for user in User.objects.all():
        assert user.email.endswith("@demo.gazette.test")
        assert not user.has_usable_password()
    assert set(Article.objects.values_list("author__username", flat=True)) <= {
        p.username for p in demo.AUTHORS
    }


def test_seed_refuses_to_take_over_a_real_users_username(db):
    UserFactory(username=demo.AUTHORS[0].username)

    with pytest.raises(CommandError, match="belong to real users"):
        seed()

    assert not Article.objects.exists()


def test_if_empty_seeds_a_new_site_but_leaves_an_existing_one_alone(db):
    seed(if_empty=True)
    assert Article.objects.count() == SMALL["articles"]

    Article.objects.order_by("pk").first().delete()
    seed(if_empty=True)

    assert Article.objects.count() == SMALL["articles"] - 1
