"""Article revisions in the admin: every save recorded, compared, restored; and no save
silently undoes another's (issue 18)."""

import pytest
from django.test import Client
from django.urls import reverse

from content.models import Article
from content.revisions import body_diff, revisions_of
from content.services import article_publish
from tests.factories import ArticleFactory, TagFactory, admin_article_form

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:content_article_change", args=[article.pk])


def history_url(article):
    return reverse("admin:content_article_history", args=[article.pk])


def compare_url(article, older, newer):
    url = reverse("admin:content_article_revision_compare", args=[article.pk])
    return f"{url}?from={older.history_id}&to={newer.history_id}"


def restore_url(article, record):
    return reverse("admin:content_article_revision_restore", args=[article.pk, record.history_id])


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def edited(author, editor):
    """An author's draft saved three times: by the author in the admin (new tags and
    body), by an editor in the admin, and by a script (no user)."""
    harbour, night = TagFactory(name="Harbour"), TagFactory(name="Night")
    article = ArticleFactory(
        author=author, draft=True, title="Ferry", body="One\nTwo\nThree\nFour\nFive\nSix"
    )
    article.tags.set([harbour])
    signed_in(author).post(
        change_url(article),
        admin_article_form(
            article, body="One\nTwo\nThree <b>bold</b>\nFour\nFive\nSix", tags=[night.pk]
        ),
    )
    article.refresh_from_db()
    signed_in(editor).post(change_url(article), admin_article_form(article, title="Night ferry"))
    article.refresh_from_db()
    article.summary = "From a script."
    article.save()
    return article


def test_every_save_is_a_revision_with_who_when_and_tags(edited, author, editor):
    revisions = list(revisions_of(edited))

    assert [r.revision for r in revisions] == [4, 3, 2, 1]
    assert [r.history_user for r in revisions] == [None, editor, author, None]
    assert [r.title for r in revisions] == ["Night ferry", "Night ferry", "Ferry", "Ferry"]
    tags = [[row.tag.name for row in r.historicalarticle_tags_set.all()] for r in revisions]
    assert tags == [["Night"], ["Night"], ["Night"], ["Harbour"]]
    assert edited.revision == 4


def test_the_revision_list_shows_who_and_what_changed(edited, editor):
    page = signed_in(editor).get(history_url(edited))

    assert page.status_code == 200
    rows = page.context["rows"]
    assert [(r.revision, labels) for r, labels in rows] == [
        (4, ["summary"]),
        (3, ["title"]),
        (2, ["body", "tags"]),
        (1, []),
    ]
    assert editor.public_name in page.content.decode()


def test_comparing_two_revisions_shows_each_changed_field_and_a_line_diff_of_the_body(
    edited, editor
):
    first, *_, current = reversed(list(revisions_of(edited)))

    page = signed_in(editor).get(compare_url(edited, current, first))  # either order

    assert page.status_code == 200
    changes = {change.field: change for change in page.context["changes"]}
    assert list(changes) == ["title", "summary", "body", "tags"]
    assert (changes["title"].old, changes["title"].new) == ("Ferry", "Night ferry")
    assert (changes["tags"].old, changes["tags"].new) == ("Harbour", "Night")
    html = page.content.decode()
    assert '<li class="gazette-line-removed">' in html
    assert "Three &lt;b&gt;bold&lt;/b&gt;" in html  # escaped, not markup
    assert "<b>bold</b>" not in html


def test_a_body_diff_marks_lines_and_leaves_out_long_unchanged_runs():
    old = "\n".join(f"line {n}" for n in range(1, 21))
    new = old.replace("line 2\n", "line two\n").replace("line 18", "line eighteen")

    lines = [(line.kind, line.text) for line in body_diff(old, new)]

    assert ("removed", "line 2") in lines
    assert ("added", "line two") in lines
    assert ("added", "line eighteen") in lines
    assert ("gap", "…") in lines
    assert len(lines) < 20
    assert lines[0] == ("same", "line 1")


def test_restoring_a_revision_makes_a_new_one_with_its_text_and_tags(edited, editor):
    first = list(revisions_of(edited))[-1]

    response = signed_in(editor).post(restore_url(edited, first))

    assert response.status_code == 302
    article = Article.objects.get(pk=edited.pk)
    assert (article.title, article.body, article.revision) == ("Ferry", first.body, 5)
    assert [tag.name for tag in article.tags.all()] == ["Harbour"]
    restored = next(iter(revisions_of(article)))
    assert (restored.revision, restored.history_user) == (5, editor)
    assert restored.history_change_reason == "Restored revision 1"


def test_an_author_restoring_cannot_publish_through_an_old_revision(author, editor):
    article = ArticleFactory(author=author, draft=True)
    article_publish(article=article)
    published = next(iter(revisions_of(article)))
    article.status = Article.Status.DRAFT
    article.save()

    signed_in(author).post(restore_url(article, published))

    assert Article.objects.get(pk=article.pk).status == "draft"


def test_restore_is_a_post(edited, editor):
    assert signed_in(editor).get(restore_url(edited, revisions_of(edited)[1])).status_code == 405


def test_an_author_cannot_see_or_restore_another_authors_revisions(edited, other_author):
    client = signed_in(other_author)
    first = list(revisions_of(edited))[-1]

    assert client.get(history_url(edited)).status_code == 404
    assert client.get(compare_url(edited, first, first)).status_code == 404
    assert client.post(restore_url(edited, first)).status_code == 404
    assert Article.objects.get(pk=edited.pk).revision == 4


def test_an_author_sees_the_history_of_their_own_article(edited, author):
    assert signed_in(author).get(history_url(edited)).status_code == 200


def test_a_revision_of_another_article_is_not_found(edited, editor):
    other = ArticleFactory()
    record = next(iter(revisions_of(other)))
    client = signed_in(editor)

    assert client.post(restore_url(edited, record)).status_code == 404
    assert client.get(compare_url(edited, record, revisions_of(edited)[0])).status_code == 404


# --- No silent overwrite ----------------------------------------------------------


def test_a_save_from_an_older_revision_is_refused_with_the_text_kept_and_who_saved(author, editor):
    article = ArticleFactory(author=author, draft=True, title="Ferry", body="Calm sea.")
    opened_at = admin_article_form(article)  # both open the same revision
    first, second = signed_in(editor), signed_in(author)

    assert first.post(change_url(article), {**opened_at, "body": "Rough sea."}).status_code == 302
    response = second.post(change_url(article), {**opened_at, "body": "Fog, all night."})

    assert response.status_code == 200  # the form again, no redirect
    assert Article.objects.get(pk=article.pk).body == "Rough sea."  # theirs, untouched
    html = response.content.decode()
    assert "Fog, all night." in html  # the author's own text, intact in the form
    assert f"{editor.public_name} saved this article" in html
    changes = response.context["adminform"].form.edit_conflict.changes
    assert [(c.field, [(line.kind, line.text) for line in c.body_lines]) for c in changes] == [
        ("body", [("removed", "Calm sea."), ("added", "Rough sea.")])
    ]
    assert f'name="based_on" value="{article.revision + 1}"' in html

    # Saving the form again (it now carries their revision) keeps the author's version.
    resent = {**opened_at, "body": "Fog, all night.", "based_on": article.revision + 1}
    assert second.post(change_url(article), resent).status_code == 302
    stored = Article.objects.get(pk=article.pk)
    assert (stored.body, stored.revision) == ("Fog, all night.", article.revision + 2)


def test_a_change_form_without_its_revision_is_refused(editor):
    article = ArticleFactory(title="Ferry")

    data = admin_article_form(article, title="Changed")
    del data["based_on"]
    response = signed_in(editor).post(change_url(article), data)

    assert response.status_code == 200
    assert Article.objects.get(pk=article.pk).title == "Ferry"


def test_a_new_article_in_the_admin_is_one_revision_with_its_tags(author):
    tag = TagFactory(name="Harbour")
    response = signed_in(author).post(
        reverse("admin:content_article_add"),
        {**admin_article_form(ArticleFactory.build(author=author), tags=[tag.pk]), "slug": "new"},
    )

    assert response.status_code == 302
    (revision,) = revisions_of(Article.objects.get(slug="new"))
    assert revision.revision == 1
    assert [row.tag.name for row in revision.historicalarticle_tags_set.all()] == ["Harbour"]


# --- Query counts -------------------------------------------------------------------


@pytest.mark.parametrize("saves", [2, 12])
def test_the_change_form_and_the_revision_pages_cost_a_bounded_number_of_queries(
    django_assert_max_num_queries, editor, saves
):
    article = ArticleFactory(tags=[TagFactory(), TagFactory()])
    for n in range(saves):
        article.title = f"Take {n}"
        article.save()
    client = signed_in(editor)
    records = list(revisions_of(article))
    client.get(change_url(article))  # the session's first read is not the page's

    with django_assert_max_num_queries(CHANGE_FORM_QUERIES):
        assert client.get(change_url(article)).status_code == 200
    with django_assert_max_num_queries(REVISION_LIST_QUERIES):
        assert client.get(history_url(article)).status_code == 200
    with django_assert_max_num_queries(COMPARE_QUERIES):
        assert client.get(compare_url(article, records[-1], records[0])).status_code == 200


# Session, user, the two permission reads, the article, then: the change form's tags
# and authors' choices, its former slugs and the reader's autosave (10); the revisions
# and their tags (7, however many); the two revisions compared and their tags (7).
CHANGE_FORM_QUERIES = 10
REVISION_LIST_QUERIES = 7
COMPARE_QUERIES = 7


def test_a_conflict_on_an_article_made_in_bulk_says_its_first_revision_is_not_recorded(
    editor, author
):
    (article,) = Article.objects.bulk_create([ArticleFactory.build(author=author, draft=True)])
    opened_at = admin_article_form(article)
    assert (
        signed_in(editor).post(change_url(article), {**opened_at, "title": "A"}).status_code == 302
    )

    response = signed_in(author).post(change_url(article), {**opened_at, "title": "B"})

    assert response.status_code == 200
    assert response.context["adminform"].form.edit_conflict.changes is None
    assert "the revision you opened is not recorded" in response.content.decode()
