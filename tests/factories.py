"""factory_boy factories: the one place tests make domain objects."""

from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from content.models import Article, Bookmark, Comment, Like, Tag, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    display_name = factory.Faker("name")
    password = factory.django.Password("correct-horse-battery-staple")


def verified_user(**kwargs):
    """A reader who has confirmed their e-mail address, so they can sign in."""
    user = UserFactory(**kwargs)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


class StaffFactory(UserFactory):
    """A staff member in one of the newsroom roles (`role="Authors"` or `"Editors"`)."""

    is_staff = True

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        if create and extracted:
            user.groups.add(Group.objects.get(name=extracted))


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Topic {n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    """A published article by default; `draft=True` or `scheduled=True` for the others."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    class Params:
        draft = factory.Trait(status=Article.Status.DRAFT, published_at=None)
        scheduled = factory.Trait(
            published_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
        )

    title = factory.Sequence(lambda n: f"Article number {n}")
    summary = "A short summary of the article."
    body = "Some **Markdown** body.\n\nA second paragraph."
    author = factory.SubFactory(UserFactory)
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))

    @factory.post_generation
    def tags(article, create, extracted, **kwargs):
        if create and extracted:
            article.tags.set(extracted)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    article = factory.SubFactory(ArticleFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Comment number {n}.")


class LikeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Like

    article = factory.SubFactory(ArticleFactory)
    user = factory.SubFactory(UserFactory)


class BookmarkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bookmark

    article = factory.SubFactory(ArticleFactory)
    user = factory.SubFactory(UserFactory)


def admin_article_form(article=None, **overrides):
    """The admin's article form as the page sends it: `article`'s values and the revision
    it was opened at, or a new draft's."""
    data = {
        "title": "Notes from the night desk",
        "slug": "",
        "summary": "What happens after midnight.",
        "body": "Quiet, mostly.",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "cover_alt": "",
        "seo_description": "",
    }
    if article is not None:
        data.update(
            title=article.title,
            slug=article.slug,
            author=article.author_id,
            summary=article.summary,
            body=article.body,
            tags=[tag.pk for tag in article.tags.all()] if article.pk else [],
            status=article.status,
            based_on=article.revision,
        )
    return {**data, **overrides}
