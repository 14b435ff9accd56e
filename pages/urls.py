from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, re_path

from pages import feeds, views
from pages.sitemaps import sitemap_index, sitemaps
from project.visitor_cache import the_site_and_its_article, visitor_cache

# Every page here is the same for every visitor, and cached for them (project/
# visitor_cache.py) but for the forms, bookmarks and comment editing.
with_its_article = visitor_cache(scopes=the_site_and_its_article)

app_name = "pages"

urlpatterns = [
    path("", visitor_cache(views.home), name="home"),
    path("articles/", visitor_cache(views.article_list), name="article-list"),
    path("articles/<slug:slug>/", with_its_article(views.article_detail), name="article-detail"),
    path("articles/<slug:slug>/comments/", views.comment_create, name="comment-create"),
    path("articles/<slug:slug>/like/", views.like, name="like"),
    path("articles/<slug:slug>/bookmark/", views.bookmark, name="bookmark"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment-edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment-delete"),
    path("tags/<slug:slug>/", visitor_cache(views.tag_detail), name="tag-detail"),
    path("tags/<slug:slug>/feed/", visitor_cache(feeds.TagFeed()), name="tag-feed"),
    # The characters Django allows in usernames, so anything else (a NUL, which
    # PostgreSQL cannot compare) is a 404 before any query.
    re_path(
        r"^authors/(?P<username>[\w.@+-]+)/$",
        visitor_cache(views.author_detail),
        name="author-detail",
    ),
    path("search/", visitor_cache(views.search), name="search"),
    path("bookmarks/", views.bookmarks, name="bookmarks"),
    path("feeds/rss/", visitor_cache(feeds.LatestArticlesFeed()), name="feed-rss"),
    path("feeds/atom/", visitor_cache(feeds.LatestArticlesAtomFeed()), name="feed-atom"),
    path("robots.txt", visitor_cache(views.robots_txt), name="robots"),
    path("sitemap.xml", visitor_cache(sitemap_index), name="sitemap"),
    path(
        "sitemap-<section>.xml",
        visitor_cache(sitemap_views.sitemap),
        {"sitemaps": sitemaps},
        name="sitemap-section",
    ),
]
