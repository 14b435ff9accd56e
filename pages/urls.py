from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, re_path

from pages import feeds, views
from pages.sitemaps import sitemap_index, sitemaps

app_name = "pages"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/", views.article_list, name="article-list"),
    path("articles/<slug:slug>/", views.article_detail, name="article-detail"),
    path("articles/<slug:slug>/comments/", views.comment_create, name="comment-create"),
    path("articles/<slug:slug>/like/", views.like, name="like"),
    path("articles/<slug:slug>/bookmark/", views.bookmark, name="bookmark"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment-edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment-delete"),
    path("tags/<slug:slug>/", views.tag_detail, name="tag-detail"),
    path("tags/<slug:slug>/feed/", feeds.TagFeed(), name="tag-feed"),
    # The characters Django allows in usernames, so anything else (a NUL, which
    # PostgreSQL cannot compare) is a 404 before any query.
    re_path(r"^authors/(?P<username>[\w.@+-]+)/$", views.author_detail, name="author-detail"),
    path("search/", views.search, name="search"),
    path("bookmarks/", views.bookmarks, name="bookmarks"),
    path("feeds/rss/", feeds.LatestArticlesFeed(), name="feed-rss"),
    path("feeds/atom/", feeds.LatestArticlesAtomFeed(), name="feed-atom"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", sitemap_index, name="sitemap"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps},
        name="sitemap-section",
    ),
]
