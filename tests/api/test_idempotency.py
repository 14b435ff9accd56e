"""The Idempotency-Key header on the API's creating endpoints (api/idempotency.py): a
repeat gets the first answer and writes nothing; another request with the same key is a
422; keys are per reader and last a day; concurrent repeats never both write."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from content.models import IDEMPOTENCY_KEY_LIFETIME, Comment, IdempotencyKey
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

KEY = "8e03978e-40d5-43e8-bc93-6894a57f9324"


def comments_url(article):
    return reverse("api:article-comments", kwargs={"slug": article.slug})


def post(client, article, body, key=KEY):
    headers = {} if key is None else {"Idempotency-Key": key}
    return client.post(comments_url(article), {"body": body}, headers=headers)


@pytest.fixture
def article():
    return ArticleFactory()


def test_a_repeated_post_gets_the_first_answer_and_stores_one_comment(sign_in, reader, article):
    client = sign_in(reader)

    first = post(client, article, "Said once.")
    again = post(client, article, "Said once.")

    comment = Comment.objects.get()
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert first.json()["id"] == comment.pk
    assert again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert "no-store" in again["Cache-Control"]


def test_the_draft_header_form_a_quoted_string_works_as_it_comes(sign_in, reader, article):
    client = sign_in(reader)

    first = post(client, article, "Quoted.", key=f'"{KEY}"')
    again = post(client, article, "Quoted.", key=f'"{KEY}"')

    assert again.json() == first.json()
    assert Comment.objects.count() == 1


def test_the_same_key_with_another_body_is_a_422_and_stores_nothing_more(sign_in, reader, article):
    client = sign_in(reader)
    post(client, article, "The first text.")

    response = post(client, article, "Another text.")

    assert response.status_code == 422
    assert response.json() == {
        "status": 422,
        "code": "idempotency_key_reused",
        "message": response.json()["message"],
        "errors": {},
    }
    assert list(Comment.objects.values_list("body", flat=True)) == ["The first text."]


def test_the_same_key_on_another_article_is_a_422(sign_in, reader, article):
    client = sign_in(reader)
    post(client, article, "Same text.")

    response = post(client, ArticleFactory(), "Same text.")

    assert response.status_code == 422
    assert Comment.objects.count() == 1


def test_keys_are_per_reader(sign_in, reader, other_reader, article):
    for user in (reader, other_reader):
        assert post(sign_in(user), article, "Same key, same text.").status_code == 201

    assert Comment.objects.count() == 2


def test_without_a_key_each_post_is_a_new_comment(sign_in, reader, article):
    client = sign_in(reader)

    for _ in range(2):
        assert post(client, article, "Twice on purpose.", key=None).status_code == 201

    assert Comment.objects.count() == 2
    assert not IdempotencyKey.objects.exists()


def test_a_refused_post_keeps_no_key_so_a_corrected_retry_is_written(sign_in, reader, article):
    client = sign_in(reader)

    assert post(client, article, "   ").status_code == 400
    assert not IdempotencyKey.objects.exists()
    retried = post(client, article, "Now with words.")

    assert retried.status_code == 201
    assert "Idempotent-Replayed" not in retried
    assert Comment.objects.get().body == "Now with words."


@pytest.mark.parametrize("key", ["", "has space", "ключ", "x" * 256])
def test_a_malformed_key_is_a_400_naming_the_header(sign_in, reader, article, key):
    response = post(sign_in(reader), article, "Hello.", key=key)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["Idempotency-Key"]
    assert not Comment.objects.exists()


def test_a_visitor_with_a_key_is_refused_as_without_one(api, article):
    assert post(api, article, "Anonymous.").status_code in (401, 403)
    assert not Comment.objects.exists()


def test_a_key_expires_after_a_day_and_is_then_a_new_key(sign_in, reader, article):
    client = sign_in(reader)
    post(client, article, "Yesterday.")
    IdempotencyKey.objects.update(
        created_at=timezone.now() - IDEMPOTENCY_KEY_LIFETIME - timedelta(minutes=1)
    )

    response = post(client, article, "Yesterday.")

    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Comment.objects.count() == 2
    # The expired record went with this write; the reader's fresh one replaced it.
    assert IdempotencyKey.objects.get().created_at > timezone.now() - timedelta(minutes=1)


def test_a_key_within_the_day_still_repeats(sign_in, reader, article):
    client = sign_in(reader)
    post(client, article, "This morning.")
    IdempotencyKey.objects.update(
        created_at=timezone.now() - IDEMPOTENCY_KEY_LIFETIME + timedelta(minutes=1)
    )

    assert post(client, article, "This morning.")["Idempotent-Replayed"] == "true"
    assert Comment.objects.count() == 1


def test_deleting_the_account_deletes_its_keys(sign_in, reader, article):
    post(sign_in(reader), article, "Soon gone.")

    reader.delete()

    assert not IdempotencyKey.objects.exists()


def test_a_listed_origin_may_send_the_key_and_read_the_replay_mark(
    sign_in, reader, article, settings
):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example"]
    client = sign_in(reader)

    preflight = client.options(
        comments_url(article),
        HTTP_ORIGIN="https://app.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type, idempotency-key",
    )
    posted = client.post(
        comments_url(article),
        {"body": "From the app."},
        headers={"Idempotency-Key": KEY, "Origin": "https://app.example"},
    )

    assert "idempotency-key" in preflight["Access-Control-Allow-Headers"]
    assert "Idempotent-Replayed" in posted["Access-Control-Expose-Headers"].split(", ")


@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_with_the_same_key_store_one_comment_and_all_get_its_answer(
    sign_in, settings
):
    """Each thread has its own database connection: on PostgreSQL the repeats wait on the
    key's unique index for the first transaction, then read its answer."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's test database is in memory, where threads cannot wait on a lock")
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "comments": "1000/min"},
    }
    article = ArticleFactory()
    threads_per_key, keys = 8, [f"key-{number}" for number in range(4)]
    readers = {key: UserFactory() for key in keys}  # a key is a reader's
    clients = [(key, sign_in(readers[key])) for key in keys for _ in range(threads_per_key)]
    start = threading.Barrier(len(clients))
    answers = []

    def send(key, client):
        start.wait()
        try:
            response = post(client, article, f"Posted with {key}.", key=key)
            answers.append((key, response.status_code, response.json().get("id")))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=client) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    stored = dict(Comment.objects.values_list("body", "pk"))
    assert len(stored) == Comment.objects.count() == len(keys)
    assert sorted(answers) == sorted(
        (key, 201, stored[f"Posted with {key}."]) for key in keys for _ in range(threads_per_key)
    )
