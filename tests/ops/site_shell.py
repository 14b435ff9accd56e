"""Work done inside a live site's own `manage.py shell`, on the database its gunicorn uses.

The ops tests run Gazette as production does, in other processes with their own
database, so they make their data and read the outcome there, with the same factories
as the rest of the suite. Nothing here runs in pytest's process: see `in_site_shell`
in conftest.py, which calls these functions and reads their JSON answer.
"""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from content.models import Article, Comment, Like
from tests.factories import ArticleFactory, StaffFactory, UserFactory


def readers(*, prefix, count, password, with_refresh_tokens=False, with_access_tokens=False):
    """`count` readers with verified e-mail addresses (so they may sign in), sharing one
    password. Hashed once: the production hasher takes a quarter of a second per hash,
    and a hundred of them would be the slowest part of the test. `with_access_tokens`:
    each has a JWT access token, for five minutes of requests without signing in."""
    password_hash = make_password(password)
    made = []
    for number in range(count):
        user = UserFactory(
            username=f"{prefix}{number}", password=factory.Transformer.Force(password_hash)
        )
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        reader = {"username": user.username, "id": user.pk}
        if with_refresh_tokens:
            # What an app keeps after signing in once; it trades it for access tokens.
            reader["refresh"] = str(RefreshToken.for_user(user))
        if with_access_tokens:
            reader["access"] = str(AccessToken.for_user(user))
        made.append(reader)
    return made


def editor(*, username, password):
    """A staff member in the Editors role, who may change any article in admin."""
    user = StaffFactory(
        username=username,
        role="Editors",
        password=factory.Transformer.Force(make_password(password)),
    )
    return {"username": user.username, "id": user.pk}


def published_article(*, title):
    article = ArticleFactory(title=title)
    return {"slug": article.slug, "id": article.pk}


def article_marks(*, slug):
    """What the database holds for an article: its comments' ids with their authors and
    text, and who likes it."""
    article = Article.objects.get(slug=slug)
    return {
        "comments": [
            {"id": pk, "author": author, "body": body}
            for pk, author, body in Comment.objects.filter(article=article).values_list(
                "pk", "author__username", "body"
            )
        ],
        "likers": list(
            Like.objects.filter(article=article).values_list("user__username", flat=True)
        ),
    }


def demo_article_slugs(*, count):
    """The newest published articles of the demo content (those with tags: the
    factories' articles have none, so tests writing to those are left alone)."""
    return list(
        Article.objects.published()
        .filter(tags__isnull=False)
        .distinct()
        .newest_first()
        .values_list("slug", flat=True)[:count]
    )


def retitle_article(*, slug, title):
    """An editor's change, saved as the admin saves it (signals and all)."""
    article = Article.objects.get(slug=slug)
    article.title = title
    article.save()
    return {"slug": article.slug}
