from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, re_path

from pages import feeds, reports, views
from pages.sitemaps import sitemap_index, sitemaps
from project.http_cache import cached_for_visitors

# Every page here is the same for every visitor, and cached for them (project/
# http_cache.py) but for the forms, bookmarks and comment editing.
with_its_article = cached_for_visitors(per_article=True)

app_name = "pages"

urlpatterns = [
    path("", cached_for_visitors(views.home), name="home"),
    path("articles/", cached_for_visitors(views.article_list), name="article-list"),
    path("articles/<slug:slug>/", with_its_article(views.article_detail), name="article-detail"),
    path("articles/<slug:slug>/comments/", views.comment_create, name="comment-create"),
    path("articles/<slug:slug>/like/", views.like, name="like"),
    path("articles/<slug:slug>/bookmark/", views.bookmark, name="bookmark"),
    path("comments/<int:pk>/reply/", views.comment_reply, name="comment-reply"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment-edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment-delete"),
    path("comments/<int:pk>/report/", reports.comment_report, name="comment-report"),
    path("tags/<slug:slug>/", cached_for_visitors(views.tag_detail), name="tag-detail"),
    path("tags/<slug:slug>/feed/", cached_for_visitors(feeds.TagFeed()), name="tag-feed"),
    # The characters Django allows in usernames, so anything else (a NUL, which
    # PostgreSQL cannot compare) is a 404 before any query.
    re_path(
        r"^authors/(?P<username>[\w.@+-]+)/$",
        cached_for_visitors(views.author_detail),
        name="author-detail",
    ),
    path("search/", cached_for_visitors(views.search), name="search"),
    path("bookmarks/", views.bookmarks, name="bookmarks"),
    path(
        "notifications/unsubscribe/<str:token>/",
        views.notifications_unsubscribe,
        name="notifications-unsubscribe",
    ),
    path("feeds/rss/", cached_for_visitors(feeds.LatestArticlesFeed()), name="feed-rss"),
    path("feeds/atom/", cached_for_visitors(feeds.LatestArticlesAtomFeed()), name="feed-atom"),
    path("robots.txt", cached_for_visitors(views.robots_txt), name="robots"),
    path("sitemap.xml", cached_for_visitors(sitemap_index), name="sitemap"),
    path(
        "sitemap-<section>.xml",
        cached_for_visitors(sitemap_views.sitemap),
        {"sitemaps": sitemaps},
        name="sitemap-section",
    ),
]
