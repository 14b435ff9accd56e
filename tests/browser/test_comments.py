"""Comments in the browser: post, edit and delete with and without JavaScript, inline
errors, a kept text when the network fails, and live updates."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from content.models import Comment
from tests.browser.conftest import live_database, same_document, wait_until, without_javascript
from tests.factories import ArticleFactory, CommentFactory

pytestmark = live_database


@pytest.fixture
def article():
    return ArticleFactory(title="Harbour lights")


def comment_box(page):
    return page.get_by_role("textbox", name="Your comment")


def test_posting_a_comment_with_javascript_adds_it_without_a_reload(page, sign_in, reader, article):
    sign_in(reader)
    page.goto(article.get_absolute_url())

    with same_document(page):
        comment_box(page).fill("Lovely evening light.")
        page.get_by_role("button", name="Post comment").click()
        posted = page.locator(".comment", has_text="Lovely evening light.")
        expect(posted).to_have_count(1)

    comment = Comment.objects.get()
    assert (comment.author, comment.body) == (reader, "Lovely evening light.")
    expect(posted).to_have_attribute("id", f"comment-{comment.pk}")
    expect(comment_box(page)).to_have_value("")
    expect(page.locator("#comments-title")).to_have_text("1 comment")
    expect(page.get_by_role("status").filter(has_text="Your comment is posted.")).to_have_count(1)


def test_a_posted_comment_looks_as_the_server_renders_it(page, sign_in, reader, article):
    sign_in(reader)
    page.goto(article.get_absolute_url())
    comment_box(page).fill("Two lines,\nas typed.")
    page.get_by_role("button", name="Post comment").click()
    posted = page.locator(".comment", has_text="as typed.")
    expect(posted).to_have_count(1)
    from_the_api = shape(posted)

    page.reload()

    assert shape(page.locator(".comment", has_text="as typed.")) == from_the_api


def shape(comment):
    """A comment's text and its elements (tag, class, hook, link, time), to compare how
    the server and the JavaScript render the same comment."""
    return comment.evaluate(
        """comment => [comment.id, comment.innerText, [...comment.querySelectorAll("*")].map(
            element => [element.tagName, element.className, element.dataset.field || "",
                element.getAttribute("href") || "", element.getAttribute("datetime") || ""])]"""
    )


@without_javascript
def test_posting_a_comment_without_javascript_goes_through_the_form(page, sign_in, reader, article):
    sign_in(reader)
    page.goto(article.get_absolute_url())

    comment_box(page).fill("Lovely evening light.")
    page.get_by_role("button", name="Post comment").click()

    comment = Comment.objects.get()
    assert (comment.author, comment.body) == (reader, "Lovely evening light.")
    expect(page).to_have_url(re.compile(f"#comment-{comment.pk}$"))
    expect(page.locator(f"#comment-{comment.pk} .comment__body")).to_have_text(
        "Lovely evening light."
    )


@pytest.mark.failed_requests
def test_an_invalid_comment_shows_the_reason_inline_and_keeps_the_text(
    page, sign_in, reader, article
):
    sign_in(reader)
    page.goto(article.get_absolute_url())
    blank = "   \n  "

    with same_document(page):
        comment_box(page).fill(blank)
        page.get_by_role("button", name="Post comment").click()
        expect(page.locator(".comment-form [role=alert]")).to_have_text(
            "This field may not be blank."
        )

    expect(comment_box(page)).to_have_value(blank)
    expect(comment_box(page)).to_have_attribute("aria-invalid", "true")
    assert not Comment.objects.exists()


@pytest.mark.failed_requests
def test_when_the_network_fails_the_text_stays_and_a_retry_posts_it(page, sign_in, reader, article):
    sign_in(reader)
    page.goto(article.get_absolute_url())
    comments_api = f"**/api/v1/articles/{article.slug}/comments/"
    page.route(comments_api, lambda route: route.abort())

    with same_document(page):
        comment_box(page).fill("Written on a train.")
        page.get_by_role("button", name="Post comment").click()
        alert = page.locator(".comment-form [role=alert]")
        expect(alert).to_contain_text("connection failed")
        expect(comment_box(page)).to_have_value("Written on a train.")
        assert not Comment.objects.exists()

        page.unroute(comments_api)
        alert.get_by_role("button", name="Try again").click()
        expect(page.locator(".comment", has_text="Written on a train.")).to_have_count(1)

    assert Comment.objects.get().body == "Written on a train."


@pytest.mark.failed_requests
def test_a_retry_after_a_lost_answer_sends_the_same_key_and_posts_once(
    page, sign_in, reader, article
):
    sign_in(reader)
    page.goto(article.get_absolute_url())
    comments_api = f"**/api/v1/articles/{article.slug}/comments/"
    keys = []

    def store_then_lose_the_answer(route):
        keys.append(route.request.headers["idempotency-key"])
        route.fetch()  # the server stores the comment...
        route.abort()  # ...and its answer is lost on the way

    page.route(comments_api, store_then_lose_the_answer, times=1)
    with same_document(page):
        comment_box(page).fill("Sent from a tunnel.")
        page.get_by_role("button", name="Post comment").click()
        alert = page.locator(".comment-form [role=alert]")
        expect(alert).to_contain_text("connection failed")
        assert Comment.objects.get().body == "Sent from a tunnel."

        with page.expect_request(lambda request: request.method == "POST") as retry:
            alert.get_by_role("button", name="Try again").click()
        expect(page.locator(".comment", has_text="Sent from a tunnel.")).to_have_count(1)
        assert retry.value.headers["idempotency-key"] == keys[0]
        assert Comment.objects.count() == 1

        # The next comment is a new one, with a new key.
        comment_box(page).fill("And one more.")
        page.get_by_role("button", name="Post comment").click()
        expect(page.locator(".comment", has_text="And one more.")).to_have_count(1)

    assert Comment.objects.count() == 2


def test_the_post_button_is_disabled_while_sending(page, sign_in, reader, article):
    sign_in(reader)
    page.goto(article.get_absolute_url())
    held = []
    page.route(f"**/api/v1/articles/{article.slug}/comments/", lambda route: held.append(route))

    comment_box(page).fill("Patience.")
    button = page.get_by_role("button", name="Post comment")
    button.click()
    wait_until(lambda: held, page, "the comment was never sent")

    expect(button).to_be_disabled()
    held[0].continue_()
    expect(button).to_be_enabled()
    expect(page.locator(".comment", has_text="Patience.")).to_have_count(1)


def test_a_draft_survives_a_reload(page, sign_in, reader, article):
    sign_in(reader)
    page.goto(article.get_absolute_url())

    comment_box(page).fill("Half a thought")
    page.reload()

    expect(comment_box(page)).to_have_value("Half a thought")


def test_editing_ones_comment_in_place(page, sign_in, reader, article):
    comment = CommentFactory(article=article, author=reader, body="Frist!")
    sign_in(reader)
    page.goto(article.get_absolute_url())
    shown = page.locator(f"#comment-{comment.pk}")

    with same_document(page):
        shown.get_by_role("link", name="Edit").click()
        editor = shown.get_by_role("textbox", name="Edit your comment")
        expect(editor).to_have_value("Frist!")
        expect(editor).to_be_focused()
        editor.fill("First!")
        shown.get_by_role("button", name="Save").click()
        expect(page.locator(f"#comment-{comment.pk} .comment__body")).to_have_text("First!")

    comment.refresh_from_db()
    assert comment.body == "First!"
    assert comment.edited_at is not None
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text("edited")


@without_javascript
def test_editing_ones_comment_without_javascript(page, sign_in, reader, article):
    comment = CommentFactory(article=article, author=reader, body="Frist!")
    sign_in(reader)
    page.goto(article.get_absolute_url())

    page.locator(f"#comment-{comment.pk}").get_by_role("link", name="Edit").click()
    expect(page).to_have_url(re.compile(f"/comments/{comment.pk}/edit/$"))
    page.get_by_role("textbox", name="Edit your comment").fill("First!")
    page.get_by_role("button", name="Save").click()

    expect(page.locator(f"#comment-{comment.pk} .comment__body")).to_have_text("First!")
    comment.refresh_from_db()
    assert comment.body == "First!"


@pytest.mark.failed_requests
def test_an_edit_after_the_window_closed_is_refused_inline(page, sign_in, reader, article):
    comment = CommentFactory(article=article, author=reader, body="Old words")
    sign_in(reader)
    page.goto(article.get_absolute_url())
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(hours=1))

    shown = page.locator(f"#comment-{comment.pk}")
    shown.get_by_role("link", name="Edit").click()
    shown.get_by_role("textbox", name="Edit your comment").fill("New words")
    shown.get_by_role("button", name="Save").click()

    expect(shown.get_by_role("alert")).to_contain_text("no longer edit")
    expect(shown.get_by_role("textbox", name="Edit your comment")).to_have_value("New words")
    comment.refresh_from_db()
    assert comment.body == "Old words"


def test_deleting_ones_comment_in_place(page, sign_in, reader, article):
    comment = CommentFactory(article=article, author=reader)
    CommentFactory(article=article, body="Someone else's")
    sign_in(reader)
    page.goto(article.get_absolute_url())
    page.once("dialog", lambda dialog: dialog.accept())

    with same_document(page):
        page.locator(f"#comment-{comment.pk}").get_by_role("link", name="Delete").click()
        expect(page.locator(f"#comment-{comment.pk}")).to_have_count(0)

    assert list(Comment.objects.values_list("body", flat=True)) == ["Someone else's"]
    expect(page.locator("#comments-title")).to_have_text("1 comment")
    expect(page.locator("#comments-title")).to_be_focused()


def test_deleting_is_called_off_when_not_confirmed(page, sign_in, reader, article):
    comment = CommentFactory(article=article, author=reader)
    sign_in(reader)
    page.goto(article.get_absolute_url())
    page.once("dialog", lambda dialog: dialog.dismiss())

    page.locator(f"#comment-{comment.pk}").get_by_role("link", name="Delete").click()

    expect(page.locator(f"#comment-{comment.pk}")).to_have_count(1)
    assert Comment.objects.filter(pk=comment.pk).exists()


@without_javascript
def test_deleting_ones_comment_without_javascript(page, sign_in, reader, article):
    comment = CommentFactory(article=article, author=reader)
    sign_in(reader)
    page.goto(article.get_absolute_url())

    page.locator(f"#comment-{comment.pk}").get_by_role("link", name="Delete").click()
    page.get_by_role("button", name="Delete comment").click()

    expect(page).to_have_url(re.compile(f"{article.get_absolute_url()}#comments-title$"))
    expect(page.locator(f"#comment-{comment.pk}")).to_have_count(0)
    assert not Comment.objects.exists()


def test_others_comments_offer_reply_and_report_not_edit(page, sign_in, reader, article):
    CommentFactory(article=article, body="Not yours")
    sign_in(reader)
    page.goto(article.get_absolute_url())

    links = page.locator(".comment", has_text="Not yours").get_by_role("link")
    expect(links).to_have_text(["Reply", "Report"])


# --- Live updates -----------------------------------------------------------------------


def polls(page):
    """The comment polls the page sends, as (url, If-None-Match, status)."""
    seen = []
    page.on(
        "response",
        lambda response: (
            "?after=" in response.url
            and seen.append(
                (response.url, response.request.headers.get("if-none-match"), response.status)
            )
        ),
    )
    return seen


def test_new_comments_are_announced_every_15_seconds_and_shown_on_request(
    page, reader, other_reader, article
):
    first = CommentFactory(article=article, body="Already here")
    page.clock.install()
    page.goto(article.get_absolute_url())
    seen = polls(page)

    page.clock.run_for(15_000)
    wait_until(lambda: seen, page, "no poll after 15 seconds")
    assert seen[-1][0].endswith(f"?after={first.pk}")
    assert seen[-1][2] == 200

    CommentFactory(article=article, author=other_reader, body="Hello from the harbour")
    CommentFactory(article=article, author=other_reader, body="And again")
    with same_document(page):
        page.clock.run_for(15_000)
        notice = page.get_by_role("button", name="Show 2 new comments")
        expect(notice).to_be_visible()
        expect(page.locator(".comment", has_text="Hello from the harbour")).to_have_count(0)
        notice.click()
        expect(page.locator(".comment__body")).to_have_text(
            ["Already here", "Hello from the harbour", "And again"]
        )
    expect(page.locator(".comment", has_text="Hello from the harbour")).to_be_focused()
    expect(page.locator("#comments-title")).to_have_text("3 comments")

    count = len(seen)
    page.clock.run_for(15_000)
    wait_until(lambda: len(seen) > count, page, "no third poll")
    page.clock.run_for(15_000)
    wait_until(lambda: len(seen) > count + 1, page, "no fourth poll")
    (_, asked_first, answered_first), (_, asked_again, answered_again) = seen[-2:]
    assert (asked_first, answered_first) == (None, 200)
    assert asked_again
    assert answered_again == 304
    expect(page.locator(".comment")).to_have_count(3)


def test_ones_own_comment_is_never_shown_twice(page, sign_in, reader, article):
    sign_in(reader)
    page.clock.install()
    page.goto(article.get_absolute_url())
    seen = polls(page)

    comment_box(page).fill("Only once")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator(".comment", has_text="Only once")).to_have_count(1)
    page.clock.run_for(15_000)
    wait_until(lambda: seen, page, "no poll")

    expect(page.locator(".comment", has_text="Only once")).to_have_count(1)
    expect(page.get_by_role("button", name=re.compile("new comment"))).to_have_count(0)


def show_tab(page, visible):
    """What the browser does when the reader switches to another tab and back."""
    page.evaluate(
        """visible => {
            const state = {configurable: true};
            Object.defineProperty(document, "hidden", {...state, value: !visible});
            Object.defineProperty(
                document, "visibilityState", {...state, value: visible ? "visible" : "hidden"}
            );
            document.dispatchEvent(new Event("visibilitychange"));
        }""",
        visible,
    )


def test_a_hidden_tab_does_not_poll(page, article):
    page.clock.install()
    page.goto(article.get_absolute_url())
    seen = polls(page)
    show_tab(page, visible=False)

    page.clock.run_for(60_000)
    page.wait_for_timeout(300)
    assert seen == []

    show_tab(page, visible=True)
    wait_until(lambda: seen, page, "no poll on coming back to the tab")
