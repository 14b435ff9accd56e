"""/api/v1/: the JSON API, its OpenAPI schema and interactive docs.

The names are the contract with the pages (`{% url "api:article-comments" slug %}` in
`data-` attributes for the JavaScript) and with the schema.
"""

from django.urls import path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api import account_data, auth, newsroom, reports, revisions, sessions, views
from project.http_cache import cached_for_visitors

# Public reads are cached for visitors (project/http_cache.py); JSON and the
# browsable API are told apart by Accept.
public = cached_for_visitors(negotiates=True)
with_its_article = cached_for_visitors(per_article=True, negotiates=True)


class UsernameConverter:
    """The characters Django allows in usernames; anything else is a 404 before any query."""

    regex = r"[\w.@+-]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(UsernameConverter, "username")

app_name = "api"

urlpatterns = [
    path("articles/", public(views.ArticleListView.as_view()), name="article-list"),
    path(
        "articles/<slug:slug>/",
        with_its_article(views.ArticleDetailView.as_view()),
        name="article-detail",
    ),
    path(
        "articles/<slug:slug>/comments/",
        with_its_article(views.ArticleCommentsView.as_view()),
        name="article-comments",
    ),
    path(
        "articles/<slug:slug>/publish/",
        views.ArticlePublishView.as_view(),
        name="article-publish",
    ),
    path(
        "articles/<slug:slug>/unpublish/",
        views.ArticleUnpublishView.as_view(),
        name="article-unpublish",
    ),
    path("articles/<slug:slug>/like/", views.ArticleLikeView.as_view(), name="article-like"),
    path(
        "articles/<slug:slug>/bookmark/",
        views.ArticleBookmarkView.as_view(),
        name="article-bookmark",
    ),
    path(
        "articles/<slug:slug>/autosave/",
        newsroom.AutosaveView.as_view(),
        name="article-autosave",
    ),
    path(
        "articles/<slug:slug>/presence/",
        newsroom.PresenceView.as_view(),
        name="article-presence",
    ),
    path("preview/", newsroom.PreviewView.as_view(), name="preview"),
    path("comments/<int:pk>/", views.CommentDetailView.as_view(), name="comment-detail"),
    path("comments/<int:pk>/report/", reports.CommentReportView.as_view(), name="comment-report"),
    path("tags/", public(views.TagListView.as_view()), name="tag-list"),
    path("tags/<slug:slug>/", public(views.TagDetailView.as_view()), name="tag-detail"),
    path("authors/", public(views.AuthorListView.as_view()), name="author-list"),
    path(
        "authors/<username:username>/",
        public(views.AuthorDetailView.as_view()),
        name="author-detail",
    ),
    path("me/bookmarks/", views.MyBookmarksView.as_view(), name="my-bookmarks"),
    path("me/export/", account_data.ExportView.as_view(), name="my-export"),
    path(
        "me/export/<int:pk>/download/",
        account_data.ExportDownloadView.as_view(),
        name="my-export-download",
    ),
    path("me/delete/", account_data.AccountDeleteView.as_view(), name="my-delete"),
    path("me/email/", auth.MyEmailView.as_view(), name="my-email"),
    path("me/sessions/", sessions.MySessionsView.as_view(), name="my-sessions"),
    path("me/sessions/<str:place_id>/", sessions.MySessionView.as_view(), name="my-session"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # An article's revisions, for staff (api/revisions.py).
    path(
        "articles/<slug:slug>/revisions/",
        revisions.ArticleRevisionListView.as_view(),
        name="article-revisions",
    ),
    path(
        "articles/<slug:slug>/revisions/<int:pk>/restore/",
        revisions.ArticleRevisionRestoreView.as_view(),
        name="article-revision-restore",
    ),
    # Last: whatever else is asked for under /api/v1/ gets the JSON 404.
    re_path(r"^", views.not_found, name="not-found"),
]
