"""The JSON face: each view parses the request, reads through content/'s visibility
rule and search, writes through content/services.py, and shapes the response.

No view holds a rule of its own: lists show `Article.objects.published()` in
`newest_first()` order (as the pages do), single articles and comments
`visible_to(request.user)`, search is `search_articles`, and every write is a service.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_etags
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.fields import DateTimeField
from rest_framework.permissions import AllowAny, IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from api import schema, serializers
from api.exceptions import BadRequest, PreconditionFailed, PreconditionRequired, RequestTooLarge
from api.idempotency import honours_idempotency_key
from api.pagination import CursorPaginator, KeysetOrder, datetime_key, id_key, text_key
from api.permissions import ArticlePermission, CommentPermission, PublishPermission
from api.throttling import CommentPostingThrottle
from content import services
from content.models import (
    Article,
    Comment,
    Like,
    Tag,
    can_change_article,
    published_authors,
    reader_marks,
    visible_article,
)
from content.revisions import revisions_of, saved_by
from content.search import search_articles
from project.errors import error_body
from project.http_cache import CACHEABLE_METHODS, shared_cache_control

ARTICLE_ORDERS = {
    order.name: order
    for order in (
        # The site's order, `Article.objects.newest_first()`; a test holds them equal.
        KeysetOrder(
            "-published_at",
            datetime_key("published_at", descending=True),
            id_key(descending=True),
        ),
        KeysetOrder("published_at", datetime_key("published_at"), id_key()),
        KeysetOrder("title", text_key("title"), id_key()),
    )
}
DEFAULT_ARTICLE_ORDER = "-published_at"
# As the bookmarks page: last bookmarked first (a reader bookmarks an article once).
BOOKMARK_ORDER = KeysetOrder(
    "-bookmarked_at",
    datetime_key("bookmarked_at", descending=True),
    id_key(descending=True),
)


# The representation depends on the format asked for and on who is signed in.
VARY = ("Accept", "Cookie", "Authorization")


class ApiView(APIView):
    # The base of every Gazette API view: caching headers (ETags and 304s are
    # project/http_cache.py's), the JSON error shape (settings: EXCEPTION_HANDLER).
    # Subclasses' docstrings are their descriptions in the schema and the browsable API.

    def initial(self, request, *args, **kwargs):
        # Django refuses a body beyond DATA_UPLOAD_MAX_MEMORY_SIZE only when a view reads
        # it; endpoints that read none (like, bookmark) refuse it alike.
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError as error:
            raise BadRequest() from error
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            raise RequestTooLarge()
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        """Reads are public for visitors' JSON and private for a signed-in reader or the
        browsable API (which may set a CSRF cookie); writes and errors never stored."""
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, VARY)
        if request.method not in CACHEABLE_METHODS or response.status_code != 200:
            patch_cache_control(response, no_store=True)
        elif request.user.is_authenticated or not isinstance(
            request.accepted_renderer, JSONRenderer
        ):
            patch_cache_control(response, private=True, no_cache=True)
        else:
            response["Cache-Control"] = shared_cache_control()
        return response

    def parse(self, serializer_class, data, partial=False):
        serializer = serializer_class(data=data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def parse_query(self, serializer_class):
        """The query string through `serializer_class`. A parameter given empty is given:
        `?tag=` asks for a blank tag, a 400 as the schema says, where DRF would read an
        empty field of a form as one left out (the whole list)."""
        return self.parse(serializer_class, self.request.query_params.dict())

    def render(
        self, serializer_class, instance, status_code=status.HTTP_200_OK, last_modified=None
    ):
        """`instance` as `serializer_class` shows it; `last_modified` (a datetime or
        None) for clients that revalidate with If-Modified-Since."""
        data = serializer_class(instance, context={"request": self.request}).data
        response = Response(data, status=status_code)
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified.timestamp())
        return response


def _newest(*moments):
    """The latest of `moments` that has come (a scheduled date has not)."""
    now = timezone.now()
    return max((moment for moment in moments if moment and moment <= now), default=None)


# --- Articles --------------------------------------------------------------------------------


def article_etag(article):
    """The strong ETag of an article for those who may change it: the article and its
    revision, which only a save of this article changes. `If-Match` compares strongly,
    and the weak ETag visitors get changes with every public change on the site."""
    return f'"article-{article.pk}-r{article.revision}"'


class ArticleView(ApiView):
    """What the article endpoints share: the detail as an answer, and If-Match."""

    def render_article(self, article, status_code=status.HTTP_200_OK):
        """`article`'s detail with its counts and the viewer's marks; with its revision
        ETag for those who may change it (not used for 304s, as the counts change without
        a revision)."""
        likes = Like.objects.filter(article=article).aggregate(
            count=Count("pk"), latest=Max("created_at")
        )
        comments = (
            Comment.objects.visible_to(self.request.user)
            .filter(article=article)
            .aggregate(count=Count("pk"), latest=Max("created_at"), edited=Max("edited_at"))
        )
        article.like_count, article.comment_count = likes["count"], comments["count"]
        article.viewer_liked = article.viewer_bookmarked = None
        if self.request.user.is_authenticated:
            marks = reader_marks(self.request.user, article.slug)
            article.viewer_liked, article.viewer_bookmarked = marks.liked, marks.bookmarked

        response = self.render(
            serializers.ArticleDetailSerializer,
            article,
            status_code,
            last_modified=_newest(
                article.updated_at,
                article.published_at,
                likes["latest"],
                comments["latest"],
                comments["edited"],
            ),
        )
        if can_change_article(self.request.user, article):
            response["ETag"] = article_etag(article)
        return response

    def get_article(self, request, slug):
        """The article if `request.user` may see it (else 404) and do what the request
        asks with it (else 403)."""
        article = visible_article(request.user, slug)
        self.check_object_permissions(request, article)
        return article

    def check_if_match(self, request, article, *, required):
        """RFC 9110's If-Match, compared strongly with `article_etag`: 412 when it names
        another revision, 428 when `required` and missing."""
        header = request.headers.get("If-Match")
        if header is None:
            if required:
                raise PreconditionRequired()
            return
        etags = parse_etags(header)
        if "*" not in etags and article_etag(article) not in etags:
            raise stale(article)


def stale(current):
    """The 412 for an If-Match older than `current`, the article as stored: who saved it
    since, when, and its revision now."""
    saved_at = DateTimeField().to_representation(current.updated_at)
    latest = revisions_of(current).first()
    who = saved_by(latest) if latest else "someone"
    return PreconditionFailed(
        f"{current.title!r} was saved by {who} at {saved_at}, after the revision you started "
        "from; "
        f"it is now at revision {current.revision} (ETag {article_etag(current)}). "
        "GET it again, apply your change to it, and send that ETag."
    )


class ArticleListView(ArticleView):
    """Published articles, light (no body), 20 a page; filter by `tag` and `author`,
    `search` as the site's search page does, and choose the `ordering`. Staff create
    articles here: Authors their own drafts, Editors any article."""

    permission_classes = [ArticlePermission]

    @extend_schema(
        operation_id="articles_list",
        summary="Published articles, newest first",
        parameters=[serializers.ArticleListQuerySerializer],
        responses=serializers.ArticlePageSerializer,
    )
    def get(self, request):
        query = self.parse_query(serializers.ArticleListQuerySerializer)
        articles = Article.objects.published().for_listing()
        if "tag" in query:
            articles = articles.filter(tags__slug=query["tag"])
        if "author" in query:
            articles = articles.filter(author__username=query["author"])
        paginator = CursorPaginator(request)
        if "search" in query:
            articles = search_articles(articles, query["search"])
        if "search" in query and "ordering" not in query:
            page = paginator.offset_page(articles)  # rank order, as the search page
        else:
            order = ARTICLE_ORDERS[query.get("ordering", DEFAULT_ARTICLE_ORDER)]
            page = paginator.keyset_page(articles, order)

        return self.render(
            serializers.ArticlePageSerializer,
            page._asdict(),
            last_modified=_newest(*(max(a.updated_at, a.published_at) for a in page.results)),
        )

    @extend_schema(
        operation_id="articles_create",
        summary="Write an article (staff)",
        request=serializers.ArticleCreateSerializer,
        responses={201: serializers.ArticleDetailSerializer},
        parameters=[schema.ETAG_HEADER],
        examples=schema.ARTICLE_CREATE_EXAMPLES,
    )
    @honours_idempotency_key
    def post(self, request):
        data = self.parse(serializers.ArticleCreateSerializer, request.data)
        article = services.article_create(by=request.user, **data)
        response = self.render_article(article, status.HTTP_201_CREATED)
        response["Location"] = serializers.api_url("article-detail", slug=article.slug)
        return response


class ArticleDetailView(ArticleView):
    """One article with its sanitized body, counts, and (signed in) whether you liked or
    bookmarked it. Drafts and scheduled articles are 404, except to the staff who may
    change them, who get a strong ETag naming its revision: send it as `If-Match` to
    change the article (required) or delete it."""

    permission_classes = [ArticlePermission]

    @extend_schema(
        summary="One article",
        responses=serializers.ArticleDetailSerializer,
        parameters=[schema.ETAG_HEADER],
    )
    def get(self, request, slug):
        return self.render_article(visible_article(request.user, slug))

    @extend_schema(
        summary="Change an article (staff; If-Match required)",
        request=serializers.ArticleUpdateSerializer,
        responses=serializers.ArticleDetailSerializer,
        parameters=[schema.IF_MATCH_REQUIRED, schema.ETAG_HEADER],
        examples=schema.ARTICLE_UPDATE_EXAMPLES,
    )
    def patch(self, request, slug):
        article = self.get_article(request, slug)
        self.check_if_match(request, article, required=True)
        data = self.parse(serializers.ArticleUpdateSerializer, request.data, partial=True)
        try:
            article = services.article_update(
                article=article, by=request.user, based_on=article.revision, **data
            )
        except services.EditConflict as conflict:  # saved between the check and the save
            raise stale(conflict.current) from conflict
        return self.render_article(article)

    @extend_schema(
        summary="Delete an article (staff)",
        parameters=[schema.IF_MATCH_PARAMETER],
        responses={204: None},
    )
    def delete(self, request, slug):
        article = self.get_article(request, slug)
        self.check_if_match(request, article, required=False)
        services.article_delete(article=article, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ArticlePublishView(ArticleView):
    """Editors publish an article now, or schedule it with a `published_at` to come."""

    permission_classes = [PublishPermission]

    @extend_schema(
        summary="Publish or schedule an article (Editors)",
        request=serializers.ArticlePublishSerializer,
        responses=serializers.ArticleDetailSerializer,
        parameters=[schema.IF_MATCH_PARAMETER, schema.ETAG_HEADER],
        examples=schema.ARTICLE_PUBLISH_EXAMPLES,
    )
    def post(self, request, slug):
        article = self.get_article(request, slug)
        self.check_if_match(request, article, required=False)
        data = self.parse(serializers.ArticlePublishSerializer, request.data)
        services.article_publish(article=article, at=data.get("published_at"))
        return self.render_article(article)


class ArticleUnpublishView(ArticleView):
    """Editors take an article back to draft: gone from every public page at once."""

    permission_classes = [PublishPermission]

    @extend_schema(
        summary="Unpublish an article (Editors)",
        request=None,
        responses=serializers.ArticleDetailSerializer,
        parameters=[schema.IF_MATCH_PARAMETER, schema.ETAG_HEADER],
    )
    def post(self, request, slug):
        article = self.get_article(request, slug)
        self.check_if_match(request, article, required=False)
        services.article_unpublish(article=article)
        return self.render_article(article)


# --- Comments --------------------------------------------------------------------------------


class ArticleCommentsView(ApiView):
    """The comments on an article, replies included, oldest first (`after` for only the new
    ones); signed-in readers post new ones and replies (`parent`)."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    def get_throttles(self):
        return [*super().get_throttles(), CommentPostingThrottle()]

    @extend_schema(
        operation_id="articles_comments_list",
        summary="An article's comments, oldest first",
        parameters=[serializers.CommentListQuerySerializer],
        responses=serializers.CommentListSerializer,
    )
    def get(self, request, slug):
        article = visible_article(request.user, slug)
        query = self.parse_query(serializers.CommentListQuerySerializer)
        comments = Comment.objects.visible_to(request.user).thread(article)
        if "after" in query:
            comments = comments.filter(pk__gt=query["after"])
        comments = list(comments)
        for comment in comments:
            comment.article = article  # already loaded: no query per comment

        return self.render(
            serializers.CommentListSerializer,
            {"results": comments},
            last_modified=_newest(*(c.edited_at or c.created_at for c in comments)),
        )

    @extend_schema(
        summary="Post a comment or a reply",
        request=serializers.CommentCreateSerializer,
        responses={201: serializers.CommentSerializer},
        examples=schema.COMMENT_CREATE_EXAMPLES,
    )
    @honours_idempotency_key
    def post(self, request, slug):
        article = visible_article(request.user, slug)
        data = self.parse(serializers.CommentCreateSerializer, request.data)
        comment = services.comment_create(
            article=article, author=request.user, body=data["body"], parent=data.get("parent")
        )
        response = self.render(serializers.CommentSerializer, comment, status.HTTP_201_CREATED)
        response["Location"] = serializers.api_url("comment-detail", pk=comment.pk)
        return response


class CommentDetailView(ApiView):
    """One comment. Its author may edit it for 15 minutes and delete it; moderators may
    hide, show and delete it. Hidden comments are 404 to everyone else."""

    permission_classes = [CommentPermission]

    def get_comment(self, request, pk):
        comment = get_object_or_404(
            Comment.objects.visible_to(request.user)
            .select_related("author", "article")
            .defer("article__body", "article__body_html"),
            pk=pk,
        )
        self.check_object_permissions(request, comment)
        return comment

    @extend_schema(summary="One comment", responses=serializers.CommentSerializer)
    def get(self, request, pk):
        comment = self.get_comment(request, pk)
        return self.render(
            serializers.CommentSerializer,
            comment,
            last_modified=comment.edited_at or comment.created_at,
        )

    @extend_schema(
        summary="Edit (its author) or hide and show (moderators) a comment",
        request=serializers.CommentUpdateSerializer,
        responses=serializers.CommentSerializer,
    )
    def patch(self, request, pk):
        comment = self.get_comment(request, pk)
        data = self.parse(serializers.CommentUpdateSerializer, request.data)
        # Both changes or neither: a refused second write undoes the first. The edit goes
        # first, as a hidden comment can no longer be edited.
        with transaction.atomic():
            if "body" in data:
                comment = services.comment_edit(comment=comment, by=request.user, body=data["body"])
            if "is_hidden" in data:
                comment = services.comment_set_hidden(
                    comment=comment, by=request.user, hidden=data["is_hidden"]
                )
        return self.render(serializers.CommentSerializer, comment)

    @extend_schema(summary="Delete a comment (its author, moderators)", responses={204: None})
    def delete(self, request, pk):
        comment = self.get_comment(request, pk)
        services.comment_delete(comment=comment, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Likes and bookmarks ---------------------------------------------------------------------


class ArticleMarkView(ApiView):
    """PUT sets your mark on a published article and DELETE removes it; both are
    idempotent and answer with the new state and count."""

    permission_classes = [IsAuthenticated]
    state_serializer = None

    def _write(self, request, slug, service):
        article = visible_article(request.user, slug)
        return self.render(self.state_serializer, service(user=request.user, article=article))


class ArticleLikeView(ArticleMarkView):
    state_serializer = serializers.LikeStateSerializer

    @extend_schema(summary="Like an article", request=None, responses=state_serializer)
    def put(self, request, slug):
        return self._write(request, slug, services.like_set)

    @extend_schema(summary="Take a like back", request=None, responses={200: state_serializer})
    def delete(self, request, slug):
        return self._write(request, slug, services.like_unset)


class ArticleBookmarkView(ArticleMarkView):
    state_serializer = serializers.BookmarkStateSerializer

    @extend_schema(summary="Bookmark an article", request=None, responses=state_serializer)
    def put(self, request, slug):
        return self._write(request, slug, services.bookmark_set)

    @extend_schema(summary="Remove a bookmark", request=None, responses={200: state_serializer})
    def delete(self, request, slug):
        return self._write(request, slug, services.bookmark_unset)


class MyBookmarksView(ApiView):
    """The published articles you bookmarked, last bookmarked first, 20 a page."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="me_bookmarks_list",
        summary="Your bookmarked articles, last bookmarked first",
        parameters=[serializers.PageQuerySerializer],
        responses=serializers.BookmarkPageSerializer,
    )
    def get(self, request):
        self.parse_query(serializers.PageQuerySerializer)
        articles = Article.objects.published().for_listing().bookmarked_by(request.user)
        page = CursorPaginator(request).keyset_page(articles, BOOKMARK_ORDER)
        return self.render(serializers.BookmarkPageSerializer, page._asdict())


# --- Tags and authors ------------------------------------------------------------------------


class TagListView(ApiView):
    """Tags that have published articles, by name, with how many."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="tags_list",
        summary="Tags in use, by name",
        responses=serializers.TagListSerializer,
    )
    def get(self, request):
        tags = list(Tag.objects.in_use(counted=True).order_by("name"))
        return self.render(serializers.TagListSerializer, {"results": tags})


class TagDetailView(ApiView):
    """One tag that has published articles."""

    permission_classes = [AllowAny]

    @extend_schema(summary="One tag", responses=serializers.TagSerializer)
    def get(self, request, slug):
        tag = get_object_or_404(Tag.objects.in_use(counted=True), slug=slug)
        return self.render(serializers.TagSerializer, tag)


class AuthorListView(ApiView):
    """Everyone with published articles, by username."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="authors_list",
        summary="Authors with published articles",
        responses=serializers.AuthorListSerializer,
    )
    def get(self, request):
        authors = list(published_authors(counted=True).order_by("username"))
        return self.render(serializers.AuthorListSerializer, {"results": authors})


class AuthorDetailView(ApiView):
    """One author's profile and how many articles they have published. Readers without
    published articles have no public profile: 404."""

    permission_classes = [AllowAny]

    @extend_schema(summary="One author", responses=serializers.AuthorSerializer)
    def get(self, request, username):
        author = get_object_or_404(published_authors(counted=True), username=username)
        return self.render(serializers.AuthorSerializer, author)


# --- Everything else under /api/ -------------------------------------------------------------


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Any address under /api/v1/ that names no endpoint, whatever the method: the JSON
    404 shape, never the site's HTML page (even with debug on)."""
    response = JsonResponse(
        error_body(
            status_code=404,
            code="not_found",
            message="There is no API endpoint at this address.",
        ),
        status=404,
    )
    patch_cache_control(response, no_store=True)
    return response
