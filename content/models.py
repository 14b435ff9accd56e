"""The Gazette domain: articles, tags, comments, likes, bookmarks and their authors.

Visibility is decided here, once, by QuerySet methods (`published()`,
`visible_to(user)`); pages, API, feeds, sitemap and counts all call them.
"""

from collections import namedtuple
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import connection, models, transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q
from django.db.models.functions import Lower
from django.dispatch import receiver
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.text import slugify
from pictures.models import PictureField
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from content.markdown import render_markdown
from content.pictures import SOCIAL_RATIO, cover_path, validate_cover

COMMENT_MAX_LENGTH = 5000
# Articles' order wherever they are listed: latest publication first, ties by id.
NEWEST_FIRST = ["-published_at", "-id"]
WORDS_PER_MINUTE = 230


class User(AbstractUser):
    """A reader; an author when they have articles. Carries the public author profile."""

    display_name = models.CharField(max_length=100, blank=True)
    bio = models.TextField(blank=True, help_text="Plain text shown on the author page.")
    # The reader's e-mail notifications (their account page, the API, an e-mail's
    # unsubscribe link): each kind on until turned off.
    email_on_reply = models.BooleanField("e-mail me replies to my comments", default=True)
    email_on_article_comment = models.BooleanField(
        "e-mail me comments on my articles", default=True
    )
    # Set when the reader deleted their account (README "Accounts"): the row stays as an
    # anonymous "deleted reader" so their kept comments still have an author, with every
    # personal field emptied and no way to sign in.
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta(AbstractUser.Meta):
        constraints = [
            # One account per address, whatever its case, even when two sign-ups race.
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="user_email_unique_ci"
            ),
        ]

    def __str__(self):
        return self.public_name

    def set_password(self, raw_password):
        super().set_password(raw_password)
        # An existing reader's new password (changed or reset: pages, API, admin) ends
        # their other sessions and refresh tokens once saved (content/sessions.py).
        self.password_replaced = self.pk is not None

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if getattr(self, "password_replaced", False):
            from content.sessions import end_sessions  # content.sessions imports models

            self.password_replaced = False
            # The session making the change survives: Django's update_session_auth_hash
            # (which allauth, dj-rest-auth and the admin call next) saves it anew.
            end_sessions(self)

    @property
    def public_name(self):
        if self.deleted_at:
            return "deleted reader"
        return self.display_name or self.get_full_name() or self.username


class Session(AbstractBaseSession):
    """Django's database session (SESSION_ENGINE's store, project/signed_in.py) with whose
    it is and where it was opened, so that a reader can see where they are signed in
    and end any of those sessions. The columns are copied from the session's data each
    time it is saved (the store's `create_model_instance`, Django's documented hook)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sessions",
    )
    user_agent = models.CharField(max_length=300, blank=True)
    signed_in_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta(AbstractBaseSession.Meta):
        indexes = [models.Index(fields=["user", "-last_used_at"], name="session_user_recent")]

    @classmethod
    def get_session_store_class(cls):
        return import_string(f"{settings.SESSION_ENGINE}.SessionStore")


class AccountExport(models.Model):
    """A reader's copy of their data (one JSON file), built by a task and offered for
    download until `expires_at`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_exports"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    # The JSON document itself: a reader's data is small, and in the database it is on
    # every app server at once, in the same backups, and gone with the account.
    data = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-requested_at"], name="export_user_recent")]

    def __str__(self):
        return f"export {self.pk} of {self.user_id}"


def published_authors(*, counted=False):
    """Active users with at least one published article: the people with a public author
    page. `counted`: each carries `article_count` (published only) and `last_modified`,
    which cost a pass over their articles."""
    authors = User.objects.filter(
        Exists(Article.objects.published().filter(author=OuterRef("pk"))), is_active=True
    )
    return _with_published_counts(authors) if counted else authors


def _with_published_counts(queryset):
    published = published_q("articles__")
    return queryset.annotate(
        article_count=Count("articles", filter=published),
        last_modified=Max("articles__updated_at", filter=published),
    )


def can_change_any_article(user):
    """Editors (and superusers) may change every article; Authors only their own."""
    return user.is_active and user.is_staff and user.has_perm("content.change_any_article")


def can_publish_articles(user):
    """Editors publish, schedule, unpublish and feature articles; Authors write drafts."""
    return user.is_active and user.is_staff and user.has_perm("content.publish_article")


# What only those who may publish set: the admin shows these read-only to the others, and
# the API refuses them.
PUBLICATION_FIELDS = ("status", "published_at", "is_featured")


def owns_or_edits(user, article):
    """Editors reach every article, Authors only their own: the admin's and the API's rule
    on top of the model permission (change, delete, view) that each also checks."""
    return can_change_any_article(user) or article.author_id == user.pk


def _may(user, action, article):
    return (
        user.is_active
        and user.is_staff
        and user.has_perm(f"content.{action}_article")
        and owns_or_edits(user, article)
    )


def can_add_articles(user):
    return user.is_active and user.is_staff and user.has_perm("content.add_article")


def can_change_article(user, article):
    """Staff who may change `article`: Editors every one, Authors their own."""
    return _may(user, "change", article)


def can_delete_article(user, article):
    return _may(user, "delete", article)


def can_moderate_comments(user):
    return user.is_active and user.is_staff and user.has_perm("content.change_comment")


def reads_only_public_content(user):
    """Whether `user` reads what every visitor reads: published articles and visible
    comments (`visible_to`). Only active staff may see more."""
    return not (user.is_authenticated and user.is_active and user.is_staff)


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Articles every reader may see: published, and their publication time has come."""
        return self.filter(published_q())

    def visible_to(self, user):
        """What `user` may read: published articles, plus drafts and scheduled articles
        to staff who may change them (Editors: all; Authors: their own)."""
        if not reads_only_public_content(user):
            if can_change_any_article(user):
                return self.all()
            if user.has_perm("content.change_article"):
                return self.filter(published_q() | Q(author=user))
        return self.published()

    def changeable_by(self, user):
        """The articles `user` may change: every one for Editors, their own for Authors,
        none for anyone else (the admin's rule, for the staff API)."""
        if reads_only_public_content(user) or not user.has_perm("content.change_article"):
            return self.none()
        if can_change_any_article(user):
            return self.all()
        return self.filter(author=user)

    def scheduled(self):
        """Published articles whose publication time is still to come."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())

    def newest_first(self):
        """The site's order (the API's default keyset order is the same)."""
        return self.order_by(*NEWEST_FIRST)

    def published_before(self, article):
        """Published articles before `article` (ties broken by id), nearest first.

        The publication rule bounded by `article`'s time rather than now: with two upper
        bounds on one column SQLite picks one, and starting from now it would walk
        every newer article first. (An OR of the tie-break conditions would likewise
        keep either database from reading a range of the publication index.)"""
        at = article.published_at
        return (
            self.filter(published_q(until=at))
            .exclude(published_at=at, id__gte=article.pk)
            .newest_first()
        )

    def published_after(self, article):
        """Published articles after `article`, nearest first."""
        at = article.published_at
        return (
            self.published()
            .filter(published_at__gte=at)
            .exclude(published_at=at, id__lte=article.pk)
            .order_by("published_at", "id")
        )

    def with_author_and_tags(self):
        return self.select_related("author").prefetch_related("tags")

    def for_listing(self):
        """What a list of article cards shows, in a fixed number of queries; the bodies,
        the bulk of each row, stay in the database."""
        return self.with_author_and_tags().defer("body", "body_html")

    def bookmarked_by(self, user):
        """`user`'s bookmarked articles, each with `bookmarked_at`, last bookmarked first
        (the API's keyset order, `BOOKMARK_ORDER`, is the same)."""
        return (
            self.filter(bookmarks__user=user)
            .annotate(bookmarked_at=F("bookmarks__created_at"))
            .order_by("-bookmarked_at", "-id")
        )


class ArticleMoved(Http404):
    """The slug asked for is a former slug of an article; `slug` is its current one.
    project/redirects.py answers it with a permanent redirect, for pages and API alike;
    left unanswered, it is the 404 the old address was before redirects."""

    def __init__(self, slug):
        super().__init__(f"The article is now at {slug!r}.")
        self.slug = slug


def visible_article(user, slug):
    """The article at `slug` with its author and tags if `user` may read it: the one
    lookup of both faces. ArticleMoved when `slug` is a former slug of an article `user`
    may read (ArticleRedirect), else 404 (a redirect to an unpublished article too)."""
    articles = Article.objects.visible_to(user)
    try:
        return articles.with_author_and_tags().get(slug=slug)
    except Article.DoesNotExist:
        pass
    # Only on a miss, so a current address costs nothing more.
    current = articles.filter(redirects__old_slug=slug).values_list("slug", flat=True).first()
    if current is None:
        raise Http404("No article at this address.")
    raise ArticleMoved(current)


def changeable_article(user, slug):
    """The article at `slug` if `user` may change it (Editors: any; Authors: their own),
    else 404, as the admin answers another author's article: for the staff API."""
    try:
        return Article.objects.changeable_by(user).get(slug=slug)
    except Article.DoesNotExist:
        raise Http404("No article of yours at this address.") from None


def published_q(prefix="", *, until=None):
    """The publication rule as a Q object; `prefix` applies it through a relation
    (`published_q("article__")` filters comments by their article). `until` narrows it
    to articles published by then, when that is earlier than now."""
    now = timezone.now()
    return Q(
        **{
            f"{prefix}status": Article.Status.PUBLISHED,
            f"{prefix}published_at__lte": now if until is None else min(now, until),
        }
    )


class TagQuerySet(models.QuerySet):
    def in_use(self, *, counted=False):
        """Tags with at least one published article: the ones readers can see.
        `counted`: each carries `article_count` (published articles only) and
        `last_modified`, which cost a pass over their articles."""
        tags = self.filter(Exists(Article.objects.published().filter(tags=OuterRef("pk"))))
        return _with_published_counts(tags) if counted else tags


class Tag(models.Model):
    name = models.CharField(max_length=50, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Tag, self.name, fallback="tag")
        super().save(*args, **kwargs)


def unique_slug(model, text, *, fallback, max_length=200, exclude_pk=None):
    """A slug for `text` that no `model` row uses but `exclude_pk` (the row being saved):
    `title`, then `title-2`, `title-3`… For articles, a slug that still redirects to
    another article (ArticleRedirect) counts as used."""
    base = slugify(text)[: max_length - 8].strip("-") or fallback
    candidates = model.objects.all()
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    taken = set(candidates.filter(slug__startswith=base).values_list("slug", flat=True).iterator())
    if model is Article:
        redirects = ArticleRedirect.objects.filter(old_slug__startswith=base)
        # An article's own former slugs are free for it: taking one back is a rename back.
        taken.update(redirects.exclude(article_id=exclude_pk).values_list("old_slug", flat=True))
    slug, suffix = base, 2
    while slug in taken:
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


def reading_minutes(markdown_text):
    return max(1, round(len(markdown_text.split()) / WORDS_PER_MINUTE))


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        blank=True,
        help_text="The address of the article; made from the title when left empty.",
    )
    summary = models.TextField(max_length=500, help_text="Plain text, shown in lists.")
    body = models.TextField(help_text="Markdown. Raw HTML and scripts are removed.")
    # Rendered and sanitized once on save, so no request ever renders Markdown.
    body_html = models.TextField(editable=False, default="")
    reading_time = models.PositiveSmallIntegerField(editable=False, default=1)
    cover_image = PictureField(
        upload_to=cover_path,
        validators=[validate_cover],
        blank=True,
        aspect_ratios=[None, SOCIAL_RATIO],
        container_width=1600,
        grid_columns=4,
        width_field="cover_width",
        height_field="cover_height",
    )
    cover_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_alt = models.CharField(
        "cover alt text",
        max_length=200,
        blank=True,
        help_text="Describes the image for readers who cannot see it. Required with an image.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="articles"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="A time in the future schedules the article; empty means now on publishing.",
    )
    is_featured = models.BooleanField(default=False, help_text="Shown first on the home page.")
    seo_description = models.CharField(
        "SEO description",
        max_length=300,
        blank=True,
        help_text="For search engines and link previews; the summary is used when empty.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # How many times the article was saved: a form or API client states the revision it
    # started from, and a save from an older one is refused (services.article_save).
    revision = models.PositiveIntegerField(default=1, editable=False)

    objects = ArticleQuerySet.as_manager()
    # Every save's fields and tags, who and when (django-simple-history, README "For
    # staff: the newsroom"): a table with real columns, written by a post_save receiver,
    # so shell and task saves are recorded too (bulk_create and update() are not). What
    # is derived from the body is not kept twice.
    history = HistoricalRecords(
        m2m_fields=[tags],
        excluded_fields=["body_html", "reading_time"],
        get_user=lambda instance, request, **kwargs: _saved_by(instance, request),
    )

    class Meta:
        ordering = NEWEST_FIRST
        permissions = [
            ("change_any_article", "Can change articles of any author"),
            ("publish_article", "Can publish, schedule and unpublish articles"),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"], name="article_publication"),
            models.Index(
                fields=["author", "status", "-published_at"], name="article_author_publication"
            ),
            # The home page's few featured articles, without walking every other one.
            models.Index(
                fields=["status", "-published_at", "-id"],
                condition=Q(is_featured=True),
                name="article_featured",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Article, self.title, fallback="article", exclude_pk=self.pk)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "body" in update_fields:
            self.body_html = render_markdown(self.body)
            self.reading_time = reading_minutes(self.body)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "body_html", "reading_time"}
        # Counted in the database, so that two saves from the same revision make two.
        is_update = self.pk is not None
        stored = self._as_stored(update_fields) if is_update else None
        if is_update:
            self.revision = F("revision") + 1
            if (update_fields := kwargs.get("update_fields")) is not None:
                kwargs["update_fields"] = {*update_fields, "revision"}
        if stored is None or stored.slug == self.slug:
            super().save(*args, **kwargs)
        else:
            with transaction.atomic():  # the new address and the old one's redirect
                super().save(*args, **kwargs)
                self._moved_from(stored)
        # (The revision history's receiver below may have read it already.)
        if is_update and not isinstance(self.revision, int):
            self.refresh_from_db(fields=["revision"])

    def get_absolute_url(self):
        return reverse("pages:article-detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.cover_image and not self.cover_alt.strip():
            raise ValidationError({"cover_alt": "Describe the cover image for screen readers."})

    def validate_unique(self, exclude=None):
        """Also refuses a slug that still redirects to another article: its readers'
        links lead there. Here, so that every path that validates (the admin's form,
        `full_clean()`) gets the rule; automatic slugs skip such slugs (`unique_slug`)."""
        errors = {}
        try:
            super().validate_unique(exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if (
            self.slug
            and "slug" not in (exclude or ())
            and "slug" not in errors
            and ArticleRedirect.objects.filter(old_slug=self.slug)
            .exclude(article_id=self.pk)
            .exists()
        ):
            errors["slug"] = [
                ValidationError(
                    "Another article had this slug, and its old links still lead to it. "
                    "Choose another slug.",
                    code="unique",
                )
            ]
        if errors:
            raise ValidationError(errors)

    def _as_stored(self, update_fields):
        """(slug, was_public) of this article as stored, or None when this save does not
        write the slug (or the row is not there yet)."""
        if update_fields is not None and "slug" not in update_fields:
            return None
        return (
            Article.objects.filter(pk=self.pk)
            .annotate(was_public=published_q())
            .values_list("slug", "was_public", named=True)
            .first()
        )

    def _moved_from(self, stored):
        """The slug changed: the new one redirects no more (renamed back, it is current
        again), and the old one redirects here if readers could have seen it, that is if
        the article was published and its time had come (a published or a scheduled
        article that has since come out). A draft's or a still-scheduled article's slug
        was never a public address."""
        ArticleRedirect.objects.filter(old_slug=self.slug).delete()
        if stored.was_public:
            ArticleRedirect.objects.update_or_create(
                old_slug=stored.slug, defaults={"article": self, "created_at": timezone.now()}
            )

    def _is_due(self):
        """Published status and a publication time: None when either is missing, else
        whether that time has come (the instance form of `published_q()`)."""
        if self.status != self.Status.PUBLISHED or self.published_at is None:
            return None
        return self.published_at <= timezone.now()

    @property
    def is_published(self):
        return self._is_due() is True

    @property
    def is_scheduled(self):
        return self._is_due() is False

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT

    @property
    def state_label(self):
        """The state staff see in lists and banners: Draft, Scheduled or Published."""
        if self.is_draft:
            return "Draft"
        return "Scheduled" if self.is_scheduled else "Published"

    @property
    def description(self):
        return self.seo_description or self.summary


def _saved_by(article, request):
    """Who saved `article`, for its revision: the `saved_by` a service names (the API, a
    task: requests or none), else the signed-in user of the request (the admin)."""
    if (by := getattr(article, "saved_by", None)) is not None:
        return by
    return request.user if request is not None else None


class ArticleRedirect(models.Model):
    """A former slug of an article that readers could have seen: its old addresses answer
    a permanent redirect to the current ones (`visible_article`). Recorded by
    Article.save(), whatever saves it; pointing at the article, not at the next slug, so
    that after any number of renames every old address is one hop from the current one."""

    old_slug = models.SlugField(max_length=200, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField("renamed at", default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.old_slug} → article {self.article_id}"


@receiver(pre_create_historical_record, sender=Article.history.model)
def record_revision_number(instance, history_instance, **kwargs):
    """A saved article's revision is still the `F() + 1` of its UPDATE when the history
    records it: read the stored number, for the record and the article alike."""
    if not isinstance(instance.revision, int):
        instance.refresh_from_db(fields=["revision"])
    history_instance.revision = instance.revision


class FullTextField(models.TextField):
    """An FTS5 table's hidden column named after the table: the left side of `MATCH`
    (the `matches` lookup) and the first argument of its ranking function, bm25()."""


@FullTextField.register_lookup
class Matches(models.Lookup):
    lookup_name = "matches"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


class ArticleSearchIndex(models.Model):
    """SQLite only: the full-text index of the articles' title, summary and body, as the
    view `article_search` over the FTS5 table `article_fts` (migration 0008), which
    triggers on content_article keep up to date. content/search.py reaches it from
    articles as `search_index`. PostgreSQL has neither; it searches a column of
    content_article instead."""

    article = models.OneToOneField(
        Article,
        primary_key=True,
        db_column="article_id",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="search_index",
    )
    document = FullTextField()

    class Meta:
        managed = False
        db_table = "article_search"

    def __str__(self):
        return f"Search index of article {self.article_id}"


class CommentQuerySet(models.QuerySet):
    def visible(self):
        """Comments every reader may see: not hidden, on a published article."""
        return self.filter(published_q("article__"), is_hidden=False)

    def visible_to(self, user):
        """Moderators also see hidden comments, on any article they may read."""
        if can_moderate_comments(user):
            return self.filter(article__in=Article.objects.visible_to(user))
        return self.visible()

    def oldest_first(self):
        return self.order_by("created_at", "id")

    def thread(self, article):
        """One article's comments as a thread shows them: with authors, oldest first."""
        return self.filter(article=article).select_related("author").oldest_first()


class Comment(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments"
    )
    # A reply names its thread's root: one level of nesting, an answer to a reply joins
    # the root's thread. Deleting the root makes its replies comments of their own.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    # TextField's max_length only reaches forms; the validator holds for every write.
    body = models.TextField(
        max_length=COMMENT_MAX_LENGTH, validators=[MaxLengthValidator(COMMENT_MAX_LENGTH)]
    )
    is_hidden = models.BooleanField(
        "hidden", default=False, help_text="Hidden comments are shown to moderators only."
    )
    # Held by the site (reports from enough readers, links from a new account): hidden
    # until a moderator decides, which clears it.
    awaiting_moderation = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["article", "is_hidden", "created_at"], name="comment_thread"),
        ]

    def __str__(self):
        return f"{self.author} on {self.article}: {self.body[:40]}"

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#comment-{self.pk}"


class CommentReport(models.Model):
    """A reader's report of a comment: one per reader and comment. Open until a
    moderator resolves it; the comment's author never learns who reported."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or advertising"
        ABUSE = "abuse", "Abusive or harassing"
        OFF_TOPIC = "off_topic", "Off topic"
        OTHER = "other", "Something else"

    class Resolution(models.TextChoices):
        OPEN = "", "Open"
        KEPT = "kept", "Kept"
        HIDDEN = "hidden", "Hidden"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_reports"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    resolution = models.CharField(
        max_length=10, choices=Resolution.choices, default=Resolution.OPEN, blank=True
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter"], name="one_report_per_reader_and_comment"
            )
        ]
        indexes = [models.Index(fields=["comment", "resolution"], name="report_open")]

    def __str__(self):
        return f"{self.get_reason_display()} report on comment {self.comment_id}"


class Notification(models.Model):
    """An e-mail a reader is owed about a comment, until it is sent. Rows waiting for
    the same reader go out together as one e-mail."""

    class Kind(models.TextChoices):
        REPLY = "reply", "A reply to your comment"
        ARTICLE_COMMENT = "article_comment", "A comment on your article"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["recipient", "sent_at"], name="notification_pending")]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.recipient}"


class ReaderMark(models.Model):
    """A reader's on/off mark on an article: at most one per reader and article,
    enforced by the database."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="%(class)ss"
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="%(class)ss")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["user", "article"], name="one_%(class)s_per_user_and_article"
            )
        ]


class Like(ReaderMark):
    class Meta(ReaderMark.Meta):
        pass

    def __str__(self):
        return f"{self.user} likes {self.article}"


class Bookmark(ReaderMark):
    class Meta(ReaderMark.Meta):
        indexes = [models.Index(fields=["user", "-created_at"], name="bookmark_user_recent")]

    def __str__(self):
        return f"{self.user} bookmarked {self.article}"


class ContentVersion(models.Model):
    """The current version of one part of what readers see ("site": every public page;
    "article:<slug>": one article's comments and likes), replaced by a new random value
    in the same transaction as every change to it (content/versions.py). A cached
    response records the versions it was made from and is current while they are."""

    scope = models.CharField(max_length=255, primary_key=True)
    version = models.BigIntegerField()
    # When this version stops being current by itself: for "site", the next scheduled
    # publication, when a page changes without anyone saving anything.
    expires_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.scope}: {self.version}"


IDEMPOTENCY_KEY_MAX_LENGTH = 255
# A key names one intended write for a day (the draft's "expiry"; Stripe keeps its keys
# as long): a client's retries come within minutes, a resubmitted form within hours.
IDEMPOTENCY_KEY_LIFETIME = timedelta(hours=24)
# Visible ASCII, as an HTTP header carries it without escaping: a UUID, a token, or the
# quoted sf-string of draft-ietf-httpapi-idempotency-key-header, compared as it comes.
validate_idempotency_key = RegexValidator(
    rf"\A[!-~]{{1,{IDEMPOTENCY_KEY_MAX_LENGTH}}}\Z",
    f"An idempotency key is 1 to {IDEMPOTENCY_KEY_MAX_LENGTH} visible ASCII characters.",
)


class IdempotencyKey(models.Model):
    """A key a reader sent with a write (the API's `Idempotency-Key` header, the comment
    form's one-time token) and the answer that write got. Saved in the write's own
    transaction (`services.idempotent`), so a write is never committed without it: a
    repeat finds it even when the first answer was lost with a killed worker."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(
        max_length=IDEMPOTENCY_KEY_MAX_LENGTH, validators=[validate_idempotency_key]
    )
    # A digest of the request (method, address, body): the same key with another
    # request is refused, not answered with the first one's answer.
    fingerprint = models.CharField(max_length=64)
    # Whatever the face needs to answer again (the API: status, headers, body). Empty
    # only inside the transaction that writes it.
    answer = models.JSONField(null=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # Two requests with the same key: the second waits for the first's
            # transaction, then finds its answer. The index also finds a reader's keys.
            models.UniqueConstraint(fields=["user", "key"], name="one_idempotency_key_per_user")
        ]

    def __str__(self):
        return f"{self.key} of {self.user_id}"


# What the change form's preview and autosave take of a body: about 15,000 words, longer
# than any article, and a few milliseconds to render.
EDITED_TEXT_MAX_LENGTH = 100_000


class ArticleAutosave(models.Model):
    """One staff member's unsaved text of one article's change form, saved every few
    seconds while they type (services.autosave_store), so that a closed tab or a crash
    loses nothing. Never the article itself, and never shown to anyone else: a save of
    the form deletes it. Columns are text of any length: an autosave keeps what was
    typed, valid or not; the form validates it when it is saved."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    title = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="one_autosave_per_person")
        ]

    def __str__(self):
        return f"{self.user_id} on {self.article_id} at {self.saved_at}"


class ArticlePresence(models.Model):
    """Who has an article's change form open: each open form says so every few seconds
    (services.presence_heartbeat), and a row not renewed within PRESENCE_WINDOW no longer
    counts. A table rather than the cache: one row per person is written without
    reading anyone else's, so two people arriving together both count, whatever cache
    the site has."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="one_presence_per_person")
        ]

    def __str__(self):
        return f"{self.user_id} on {self.article_id} at {self.seen_at}"


ReaderMarks = namedtuple("ReaderMarks", ["liked", "bookmarked", "commented"])


def reader_marks(user, slug):
    """Whether signed-in `user` liked, bookmarked and commented on the article at `slug`,
    in one query (ReaderMarks; all false when there is no such article). In SQL of its
    own, as content/versions.py reads versions: it runs on every signed-in article page,
    and building it through the ORM took twenty times as long as running it (720 against
    37 µs). By slug, so that a stored page needs no Article to find the reader's copy."""
    exists = [
        f"EXISTS(SELECT 1 FROM {model._meta.db_table} WHERE "  # noqa: S608 (our names)
        f"{model._meta.get_field('article').column} = article.id AND "
        f"{model._meta.get_field(reader).column} = %s)"
        for model, reader in ((Like, "user"), (Bookmark, "user"), (Comment, "author"))
    ]
    sql = f"SELECT {', '.join(exists)} FROM {Article._meta.db_table} article WHERE slug = %s"  # noqa: S608 (our names)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk] * 3 + [slug])
        return ReaderMarks(*map(bool, cursor.fetchone() or (False,) * 3))
