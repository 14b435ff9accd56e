"""What the API sends and what it accepts, as separate classes.

Output serializers read model instances (and the counts the views attach to them);
input serializers only parse and validate what a client may set. Rules about who may
do what stay in content/services.py.
"""

from urllib.parse import urlencode

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from content import pictures, services
from content.models import COMMENT_MAX_LENGTH, EDITED_TEXT_MAX_LENGTH, Article, Comment, Tag, User
from content.services import COMMENT_EDIT_WINDOW
from content.site import absolute_url

ARTICLE_ORDERINGS = {
    "-published_at": "newest first (the default, as on the site)",
    "published_at": "oldest first",
    "title": "by title, A to Z",
}
ARTICLE_STATES = ["published", "scheduled", "draft"]
MAX_ID = 2**63 - 1


# --- Addresses ---------------------------------------------------------------------------


# Every link in a response is on SITE_URL, never on the request's Host (content/site.py).


def page_url(name, *args):
    """The absolute address of a page of the site."""
    return absolute_url(reverse(name, args=args))


def api_url(name, query=None, **kwargs):
    """The absolute address of an API endpoint."""
    url = absolute_url(reverse(f"api:{name}", kwargs=kwargs))
    return f"{url}?{urlencode(query)}" if query else url


class ViewerMixin:
    # For serializers whose fields depend on who asks. No docstring: it would become
    # the description of every serializer using it.

    @property
    def viewer(self):
        return self.context["request"].user


# --- Strict input fields -------------------------------------------------------------------


class StrictCharField(serializers.CharField):
    """Text only: DRF's CharField would turn 123 into "123"."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if not self.allow_blank:
            # Says in the schema what trimming then refusing blanks means: some
            # character other than white space.
            self.validators.append(RegexValidator(r"\S", message="This field may not be blank."))

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """JSON true or false only: DRF's BooleanField would take "yes", "0" or 1."""

    default_error_messages = {"invalid": "Must be true or false."}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class StrictSlugField(serializers.SlugField):
    """A slug given as text: DRF's SlugField would take 0 for "0"."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class NamedObjectField(serializers.SlugRelatedField):
    """An object by a name of its (a tag's slug, a username), given as text of that
    name's form: anything else, such as a NUL, which PostgreSQL cannot even compare, is
    refused before the query."""

    def __init__(self, *, form, **kwargs):
        super().__init__(**kwargs)
        self.form = RegexValidator(form)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        try:
            self.form(data)
        except DjangoValidationError:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return super().to_internal_value(data)


# --- People and tags -----------------------------------------------------------------------


class AuthorSummarySerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField(source="public_name", help_text="The name readers see.")
    url = serializers.SerializerMethodField(help_text="The author's page on the site.")
    api_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, user):
        return page_url("pages:author-detail", user.username)

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, user):
        return api_url("author-detail", username=user.username)


class AuthorSerializer(AuthorSummarySerializer):
    bio = serializers.CharField()
    article_count = serializers.IntegerField(help_text="Published articles.")
    articles_url = serializers.SerializerMethodField(help_text="Their articles in this API.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_articles_url(self, user):
        return api_url("article-list", query={"author": user.username})


class AuthorListSerializer(serializers.Serializer):
    results = AuthorSerializer(many=True)


class CommenterSerializer(serializers.Serializer):
    """A comment's author: readers have no author page, so no links."""

    username = serializers.CharField()
    name = serializers.CharField(source="public_name")


class TagSummarySerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="The tag's page on the site.")
    api_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, tag):
        return page_url("pages:tag-detail", tag.slug)

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, tag):
        return api_url("tag-detail", slug=tag.slug)


class TagSerializer(TagSummarySerializer):
    article_count = serializers.IntegerField(help_text="Published articles with this tag.")
    articles_url = serializers.SerializerMethodField(help_text="Those articles in this API.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_articles_url(self, tag):
        return api_url("article-list", query={"tag": tag.slug})


class TagListSerializer(serializers.Serializer):
    results = TagSerializer(many=True)


# --- Articles ------------------------------------------------------------------------------


class RenditionSerializer(serializers.Serializer):
    url = serializers.URLField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    format = serializers.ChoiceField(choices=["avif", "webp", "jpeg"])


class CoverSerializer(serializers.Serializer):
    url = serializers.URLField()
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    alt = serializers.CharField()
    renditions = RenditionSerializer(
        many=True, help_text="Resized copies (the article's ratio), empty until made."
    )


class ArticleListItemSerializer(serializers.Serializer):
    """An article as lists show it: no body, no counts."""

    id = serializers.IntegerField()
    slug = serializers.SlugField()
    title = serializers.CharField()
    summary = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="The article's page on the site.")
    api_url = serializers.SerializerMethodField()
    author = AuthorSummarySerializer()
    tags = TagSummarySerializer(many=True)
    published_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    reading_time = serializers.IntegerField(help_text="Minutes.")
    cover = serializers.SerializerMethodField()
    is_featured = serializers.BooleanField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, article):
        return absolute_url(article.get_absolute_url())

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, article):
        return api_url("article-detail", slug=article.slug)

    @extend_schema_field(CoverSerializer(allow_null=True))
    def get_cover(self, article):
        if not article.cover_image:
            return None
        return {
            "url": absolute_url(article.cover_image.url),
            "width": article.cover_width,
            "height": article.cover_height,
            "alt": article.cover_alt,
            "renditions": [
                {**rendition, "url": absolute_url(rendition["url"])}
                for rendition in pictures.renditions(article.cover_image)
            ],
        }


class ArticlePageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text="The next page; null on the last.")
    previous = serializers.URLField(
        allow_null=True, help_text="The page before; null on the first."
    )
    results = ArticleListItemSerializer(many=True)


class ViewerSerializer(serializers.Serializer):
    liked = serializers.BooleanField()
    bookmarked = serializers.BooleanField()


class ArticleDetailSerializer(ViewerMixin, ArticleListItemSerializer):
    """One article: the list fields plus body, counts, links for writing, and what the
    signed-in reader has done with it."""

    published_at = serializers.DateTimeField(
        allow_null=True, help_text="Null only for a draft, which only its editors see."
    )
    state = serializers.SerializerMethodField(help_text="Readers only ever see published articles.")
    description = serializers.CharField(help_text="For link previews.")
    body_html = serializers.CharField(help_text="Sanitized HTML, headings from <h2>.")
    comment_count = serializers.IntegerField(help_text="Comments you can see.")
    like_count = serializers.IntegerField()
    comments_url = serializers.SerializerMethodField()
    like_url = serializers.SerializerMethodField()
    bookmark_url = serializers.SerializerMethodField()
    viewer = serializers.SerializerMethodField(help_text="Null when not signed in.")

    @extend_schema_field(serializers.ChoiceField(choices=ARTICLE_STATES))
    def get_state(self, article):
        return article.state_label.lower()

    @extend_schema_field(OpenApiTypes.URI)
    def get_comments_url(self, article):
        return api_url("article-comments", slug=article.slug)

    @extend_schema_field(OpenApiTypes.URI)
    def get_like_url(self, article):
        return api_url("article-like", slug=article.slug)

    @extend_schema_field(OpenApiTypes.URI)
    def get_bookmark_url(self, article):
        return api_url("article-bookmark", slug=article.slug)

    @extend_schema_field(ViewerSerializer(allow_null=True))
    def get_viewer(self, article):
        if not self.viewer.is_authenticated:
            return None
        return {"liked": article.viewer_liked, "bookmarked": article.viewer_bookmarked}


class ArticleCreateSerializer(serializers.Serializer):
    """An article as staff write it (POST creates, PATCH changes the fields sent). Only
    Editors set `author`, `status`, `published_at` and `is_featured`; sent by an Author
    with another value than the article has, they are a 403."""

    title = StrictCharField(max_length=200)
    slug = StrictSlugField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="The article's address; made from the title when left out or empty.",
    )
    summary = StrictCharField(max_length=500, help_text="Plain text, shown in lists.")
    body = StrictCharField(help_text="Markdown; `body_html` comes back sanitized.")
    # A ListField: `many=True` would take a JSON object for an empty list.
    tags = serializers.ListField(
        child=NamedObjectField(
            form=r"\A[-a-zA-Z0-9_]+\Z", slug_field="slug", queryset=Tag.objects.all()
        ),
        required=False,
        help_text="Slugs of existing tags.",
    )
    author = NamedObjectField(
        form=r"\A[\w.@+-]+\Z",
        required=False,
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        help_text="A username (Editors); an Author's articles are their own.",
    )
    status = serializers.ChoiceField(
        choices=Article.Status.choices,
        required=False,
        help_text="`published` with a future `published_at` schedules (Editors).",
    )
    published_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Empty means now on publishing (Editors)."
    )
    is_featured = StrictBooleanField(required=False, help_text="First on the home page (Editors).")
    seo_description = StrictCharField(max_length=300, required=False, allow_blank=True)
    cover_alt = StrictCharField(max_length=200, required=False, allow_blank=True)


class ArticleUpdateSerializer(ArticleCreateSerializer):
    """The fields to change, at least one."""

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError("Send at least one field to change.")
        return attrs


class ArticlePublishSerializer(serializers.Serializer):
    published_at = serializers.DateTimeField(
        required=False,
        help_text="A time to come schedules the article; without it, it is published now "
        "(or keeps its original date if it was published before).",
    )


class BookmarkedArticleSerializer(ArticleListItemSerializer):
    bookmarked_at = serializers.DateTimeField()


class BookmarkPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = BookmarkedArticleSerializer(many=True)


class ArticleListQuerySerializer(serializers.Serializer):
    """The query parameters of the article list."""

    tag = serializers.SlugField(required=False, help_text="Only articles with this tag (slug).")
    author = serializers.CharField(
        required=False, max_length=150, help_text="Only articles by this author (username)."
    )
    search = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text=(
            "Words to search for, ranked as on the site's search page (best match first "
            "unless `ordering` is given). An empty search matches nothing, as there."
        ),
    )
    ordering = serializers.ChoiceField(
        choices=list(ARTICLE_ORDERINGS),
        required=False,
        help_text="; ".join(f"`{key}`: {text}" for key, text in ARTICLE_ORDERINGS.items())
        + ". Without it, search results come best match first.",
    )
    cursor = serializers.CharField(
        required=False,
        help_text=(
            "Opaque; take it from a `next` or `previous` link, which keep the other "
            "parameters. Pages in a fixed order stay exact while articles are published; "
            "search results in rank order are paged by position."
        ),
    )


class PageQuerySerializer(serializers.Serializer):
    cursor = serializers.CharField(
        required=False, help_text="Opaque; take it from a `next` or `previous` link."
    )


# --- Likes and bookmarks -------------------------------------------------------------------


class LikeStateSerializer(serializers.Serializer):
    liked = serializers.BooleanField(source="active")
    like_count = serializers.IntegerField(source="count")


class BookmarkStateSerializer(serializers.Serializer):
    bookmarked = serializers.BooleanField(source="active")
    bookmark_count = serializers.IntegerField(source="count")


# --- Comments ------------------------------------------------------------------------------


class CommentSerializer(ViewerMixin, serializers.Serializer):
    id = serializers.IntegerField()
    article = serializers.SlugField(source="article.slug", help_text="The article's slug.")
    author = CommenterSerializer()
    parent = serializers.IntegerField(
        source="parent_id",
        allow_null=True,
        help_text="The thread's root comment this one replies to; null for a root. A "
        "parent missing from the list is hidden: show its replies under a placeholder.",
    )
    body = serializers.CharField(help_text="Plain text: show it as text, never as HTML.")
    is_hidden = serializers.BooleanField(help_text="Only moderators ever see hidden comments.")
    awaiting_moderation = serializers.BooleanField(
        help_text="Held until a moderator decides (reports from readers, or links from a new "
        "account); hidden meanwhile. Your new comment's answer says so."
    )
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    editable_until = serializers.SerializerMethodField(
        help_text="Its author may edit it until then."
    )
    can_edit = serializers.SerializerMethodField(help_text="Whether you may edit it now.")
    can_delete = serializers.SerializerMethodField(help_text="Whether you may delete it.")
    can_report = serializers.SerializerMethodField(help_text="Whether you may report it.")
    url = serializers.SerializerMethodField(help_text="The comment on the article's page.")
    api_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_editable_until(self, comment):
        return serializers.DateTimeField().to_representation(
            comment.created_at + COMMENT_EDIT_WINDOW
        )

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_can_edit(self, comment):
        return services.can_edit_comment(self.viewer, comment)

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_can_delete(self, comment):
        return services.can_delete_comment(self.viewer, comment)

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_can_report(self, comment):
        return services.can_report_comment(self.viewer, comment)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, comment):
        return absolute_url(comment.get_absolute_url())

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, comment):
        return api_url("comment-detail", pk=comment.pk)


class CommentListSerializer(serializers.Serializer):
    results = CommentSerializer(many=True)


class CommentListQuerySerializer(serializers.Serializer):
    after = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_ID,
        help_text="Only comments posted after the comment with this id: poll with the "
        "last id you have to fetch just the new ones.",
    )


class CommentCreateSerializer(serializers.Serializer):
    body = StrictCharField(max_length=COMMENT_MAX_LENGTH, help_text="Plain text.")
    parent = serializers.PrimaryKeyRelatedField(
        # With its author: the one a reply notifies (content/notifications.py).
        queryset=Comment.objects.select_related("author"),
        pk_field=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": services.REPLY_REFUSED},
        help_text="To reply: the id of a comment on this article. An answer to a reply "
        "joins its thread: its `parent` is the thread's root.",
    )


class CommentUpdateSerializer(serializers.Serializer):
    """Authors edit `body` (within the edit window); moderators set `is_hidden`."""

    body = StrictCharField(max_length=COMMENT_MAX_LENGTH, required=False)
    is_hidden = StrictBooleanField(required=False)

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError("Send `body`, `is_hidden`, or both.")
        return attrs


# --- The newsroom's editing aids (api/newsroom.py) -----------------------------------------


class PreviewRequestSerializer(serializers.Serializer):
    body = StrictCharField(
        allow_blank=True,
        trim_whitespace=False,
        max_length=EDITED_TEXT_MAX_LENGTH,
        help_text="Markdown, as typed in the article's body.",
    )


class PreviewSerializer(serializers.Serializer):
    body_html = serializers.CharField(
        help_text="The body rendered and sanitized exactly as saving the article would."
    )


class AutosaveRequestSerializer(serializers.Serializer):
    """The change form's text as typed: any of it may be blank or not yet valid."""

    title = StrictCharField(
        allow_blank=True, trim_whitespace=False, max_length=EDITED_TEXT_MAX_LENGTH
    )
    summary = StrictCharField(
        allow_blank=True, trim_whitespace=False, max_length=EDITED_TEXT_MAX_LENGTH
    )
    body = StrictCharField(
        allow_blank=True, trim_whitespace=False, max_length=EDITED_TEXT_MAX_LENGTH
    )


class AutosaveSerializer(serializers.Serializer):
    title = serializers.CharField()
    summary = serializers.CharField()
    body = serializers.CharField()
    saved_at = serializers.DateTimeField()


class StaffMemberSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField(source="public_name")


class PresenceSerializer(serializers.Serializer):
    others = StaffMemberSerializer(
        many=True, help_text="The other staff with the change form open, by name; never you."
    )
    interval = serializers.IntegerField(help_text="Seconds until the form should say so again.")
