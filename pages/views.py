"""The HTML face: views parse the request, ask content/ for data, and render.

Every article query starts from the visibility rule (`published()` / `visible_to()`);
every write goes through content/services.py.
"""

import functools
import hashlib

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from content import freshness, services
from content.models import (
    COMMENT_MAX_LENGTH,
    Article,
    Comment,
    Like,
    Tag,
    published_authors,
    reader_marks,
    reads_only_public_content,
)
from content.search import normalize_query, search_articles
from pages import seo
from pages.forms import CommentForm
from pages.kept import KeptIds, kept
from project.reversing import reverse

ARTICLES_PER_PAGE = 20
# A remembered count is keyed by the site's version, so this only bounds memory.
COUNT_TIMEOUT = 600
FEATURED_COUNT = 3
SITE_DESCRIPTION = "Gazette publishes articles, essays and field notes by independent writers."


def list_api_url(name="api:article-list", **query):
    """The API list that continues a page's list, for the "Load more" button: the same
    articles in the same order (the API's contract), filtered as the page is."""
    url = reverse(name)
    return f"{url}?{urlencode(query)}" if query else url


class RememberedCountPaginator(Paginator):
    """Counts the list once per version of the site (content/freshness.py), in the
    shared cache, instead of on every page: a count runs over every published row, so
    it alone would make pages slower as the site grows."""

    def __init__(self, queryset, per_page, *, count_key, site_version):
        super().__init__(queryset, per_page)
        self.list_key = f"{site_version}:{count_key}"

    @cached_property
    def count(self):
        return cache.get_or_set(f"count:{self.list_key}", self.object_list.count, COUNT_TIMEOUT)

    def page(self, number):
        # Which articles a page shows changes with the site's version too: their ids
        # are kept with it (pages/kept.py).
        page = super().page(number)
        page.object_list = KeptIds(page.object_list, f"{self.list_key}:{page.number}")
        return page


def paginate(request, queryset, per_page=ARTICLES_PER_PAGE, *, count_key=None):
    """The requested `?page=N` of `queryset`; a page that does not exist is a 404,
    whether it is past the end or not a number. `count_key` names a list whose length
    only a change of the site's content changes (not a reader's bookmarks)."""
    if count_key is None:
        paginator = Paginator(queryset, per_page)
    else:
        version = freshness.content_versions(request, [freshness.SITE])[freshness.SITE]
        paginator = RememberedCountPaginator(
            queryset, per_page, count_key=count_key, site_version=version
        )
    try:
        return paginator.page(request.GET.get("page") or 1)
    except InvalidPage as error:
        raise Http404("No such page.") from error


def home(request):
    published = Article.objects.published().for_listing().newest_first()
    # The list's first page, counted as the list counts it: "more" continues at page 2.
    latest = paginate(request, published, count_key="articles")
    site_version = freshness.content_versions(request, [freshness.SITE])[freshness.SITE]
    meta = seo.PageMeta(
        title=settings.SITE_NAME,
        description=SITE_DESCRIPTION,
        canonical_path=reverse("pages:home"),
        structured_data=[seo.website_data()],
        json_url=reverse("api:article-list"),
    )
    return render(
        request,
        "pages/home.html",
        {
            "meta": meta,
            # Queries, not lists: the cards kept from earlier renders need only their ids.
            "featured": KeptIds(
                published.filter(is_featured=True)[:FEATURED_COUNT], f"{site_version}:featured"
            ),
            "articles": latest.object_list,
            "list_api_url": list_api_url(),
            "more_url": seo.page_url(reverse("pages:article-list"), 2)
            if latest.has_next()
            else None,
        },
    )


def article_list(request):
    page = paginate(
        request, Article.objects.published().for_listing().newest_first(), count_key="articles"
    )
    path = reverse("pages:article-list")
    title = "All articles" if page.number == 1 else f"All articles, page {page.number}"
    crumbs = [("Home", reverse("pages:home")), ("Articles", path)]
    meta = seo.PageMeta(
        title=title,
        description=f"Every article published on {settings.SITE_NAME}, newest first.",
        canonical_path=seo.page_url(path, page.number),
        structured_data=[seo.breadcrumb_data(crumbs)],
        json_url=reverse("api:article-list"),
    )
    context = {
        "meta": meta,
        "crumbs": crumbs,
        "page": page,
        "page_path": path,
        "list_api_url": list_api_url(),
    }
    return render(request, "pages/article_list.html", {**context, "heading": "All articles"})


def short_key(text):
    """`text` (a slug, a query: as long as a reader makes it) as a short key part, the
    same for everyone and safe for any cache backend."""
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _kept_for_the_site(request, name, make):
    """`make()`'s value, kept per version of the site (pages/kept.py): for what only an
    edit of public content changes, such as a tag or an author's profile."""
    site_version = freshness.content_versions(request, [freshness.SITE])[freshness.SITE]
    return kept(f"{name}:{site_version}", make)


def tag_detail(request, slug):
    tag = _kept_for_the_site(
        request, f"tag:{short_key(slug)}", lambda: Tag.objects.filter(slug=slug).first()
    )
    if tag is None:
        raise Http404("No such tag.")
    articles = Article.objects.published().filter(tags=tag).for_listing().newest_first()
    page = paginate(request, articles, count_key=f"tag:{tag.pk}")
    if page.paginator.count == 0:
        # A tag with nothing published has nothing to show, and must not be counted.
        raise Http404("No such tag.")
    path = reverse("pages:tag-detail", args=[tag.slug])
    crumbs = [("Home", reverse("pages:home")), (tag.name, path)]
    meta = seo.PageMeta(
        title=f"Articles tagged “{tag.name}”"
        + (f", page {page.number}" if page.number > 1 else ""),
        description=f"Articles about {tag.name} on {settings.SITE_NAME}, newest first.",
        canonical_path=seo.page_url(path, page.number),
        structured_data=[seo.breadcrumb_data(crumbs)],
        json_url=seo.page_url(reverse("api:article-list"), tag=tag.slug),
        alternates=[
            (
                "application/rss+xml",
                f"{tag.name} (RSS)",
                reverse("pages:tag-feed", args=[tag.slug]),
            )
        ],
    )
    return render(
        request,
        "pages/tag_detail.html",
        {
            "meta": meta,
            "crumbs": crumbs,
            "tag": tag,
            "page": page,
            "page_path": path,
            "list_api_url": list_api_url(tag=tag.slug),
        },
    )


def author_detail(request, username):
    # Only people with published writing have a public page.
    author = _kept_for_the_site(
        request,
        f"author:{short_key(username)}",
        lambda: published_authors().filter(username=username).first(),
    )
    if author is None:
        raise Http404("No such author.")
    articles = Article.objects.published().filter(author=author).for_listing().newest_first()
    page = paginate(request, articles, count_key=f"author:{author.pk}")
    path = reverse("pages:author-detail", args=[author.username])
    crumbs = [("Home", reverse("pages:home")), (author.public_name, path)]
    meta = seo.PageMeta(
        title=author.public_name + (f", page {page.number}" if page.number > 1 else ""),
        description=author.bio[:200]
        or f"Articles by {author.public_name} on {settings.SITE_NAME}.",
        canonical_path=seo.page_url(path, page.number),
        og_type="profile",
        json_url=reverse("api:author-detail", args=[author.username]),
        structured_data=[
            seo.person_data(author),
            seo.breadcrumb_data(crumbs),
        ],
    )
    return render(
        request,
        "pages/author_detail.html",
        {
            "meta": meta,
            "crumbs": crumbs,
            "author": author,
            "page": page,
            "page_path": path,
            "list_api_url": list_api_url(author=author.username),
        },
    )


@require_GET
def search(request):
    query = normalize_query(request.GET.get("q"))
    path = reverse("pages:search")
    page = paginate(
        request,
        search_articles(Article.objects.published().for_listing(), query),
        count_key=f"search:{short_key(query)}",
    )
    if query:
        title = f"Search results for “{query}”"
        description = f"Articles on {settings.SITE_NAME} matching “{query}”."
    else:
        title, description = "Search", f"Search the articles of {settings.SITE_NAME}."
    meta = seo.PageMeta(
        title=title + (f", page {page.number}" if page.number > 1 else ""),
        description=description,
        canonical_path=seo.page_url(path, page.number, q=query),
        # Result pages are endless variations; the articles themselves are what to index.
        noindex=bool(query),
        json_url=seo.page_url(reverse("api:article-list"), search=query) if query else "",
    )
    return render(
        request,
        "pages/search.html",
        {
            "meta": meta,
            "query": query,
            "page": page,
            "page_path": path,
            "page_query": {"q": query},
            "list_api_url": list_api_url(search=query),
            "search_api_url": list_api_url(),
        },
    )


@login_required
def bookmarks(request):
    bookmarked = (
        Article.objects.published()
        .bookmarked_by(request.user)
        .for_listing()
        .order_by("-bookmarked_at", "-id")
    )
    page = paginate(request, bookmarked)
    path = reverse("pages:bookmarks")
    meta = seo.PageMeta(
        title="Your bookmarks",
        description="The articles you saved to read later.",
        canonical_path=path,
        noindex=True,
    )
    context = {
        "meta": meta,
        "page": page,
        "page_path": path,
        "list_api_url": list_api_url("api:my-bookmarks"),
    }
    return render(request, "pages/bookmarks.html", context)


# --- Article detail and the forms on it ---------------------------------------------


def article_detail(request, slug):
    article = _visible_article(request, slug)
    # Made when the page shows it: a visitor's copy of the form is kept (pages/kept.py).
    return _render_article(request, article, functools.cache(CommentForm))


def _visible_article(request, slug):
    if reads_only_public_content(request.user):
        # What everyone sees, kept per version of the site (pages/kept.py).
        # Both versions the page needs, in one read.
        scopes = [freshness.SITE, freshness.article_scope(slug)]
        site_version = freshness.content_versions(request, scopes)[freshness.SITE]
        article = kept(
            f"article:{site_version}:{short_key(slug)}",
            lambda: Article.objects.published().with_author_and_tags().filter(slug=slug).first(),
        )
        if article is None:
            raise Http404("No such article.")
        return article
    return get_object_or_404(
        Article.objects.visible_to(request.user).with_author_and_tags(), slug=slug
    )


def _render_article(request, article, comment_form, status=200):
    reader = request.user
    scopes = [freshness.SITE, freshness.article_scope(article.slug)]
    site_version, article_version = freshness.content_versions(request, scopes).values()
    versions = f"{site_version}:{article_version}:{article.pk}"

    @functools.cache  # read by the template only if a visitor's copy is not kept
    def comments():
        if reads_only_public_content(reader):
            thread = kept(f"comments:{versions}", lambda: _comments(reader, article))
        else:
            thread = _comments(reader, article)
        for comment in thread:
            # What the reader may do with each comment decides which links it shows.
            comment.viewer_can_edit = services.can_edit_comment(reader, comment)
            comment.viewer_can_delete = services.can_delete_comment(reader, comment)
        return thread

    liked = bookmarked = False
    if reader.is_authenticated:
        liked, bookmarked = reader_marks(reader, article)
    # The same for every reader of this version of the article: made once.
    meta, crumbs = kept(
        f"meta:{site_version}:{article.pk}",
        lambda: _article_meta(article, head_key=f"article:{site_version}:{article.pk}"),
    )
    context = {
        "meta": meta,
        "crumbs": crumbs,
        "article": article,
        # Names the kept parts of the page (the article, its author and neighbours).
        "site_version": site_version,
        "article_version": article_version,
        "comments": comments,
        "comment_form": comment_form,
        "comment_max_length": COMMENT_MAX_LENGTH,
        "like_count": kept(
            f"likes:{versions}", lambda: Like.objects.filter(article=article).count()
        ),
        "liked": liked,
        "bookmarked": bookmarked,
        **kept(f"neighbours:{site_version}:{article.pk}", lambda: _neighbours(article)),
    }
    return render(request, "pages/article_detail.html", context, status=status)


def _article_meta(article, head_key):
    """(PageMeta, breadcrumbs) of the article's page."""
    path = article.get_absolute_url()
    crumbs = [
        ("Home", reverse("pages:home")),
        ("Articles", reverse("pages:article-list")),
        (article.title, path),
    ]
    meta = seo.PageMeta(
        title=article.title,
        description=article.description,
        canonical_path=path,
        og_type="article",
        json_url=reverse("api:article-detail", args=[article.slug]),
        image_url=seo.absolute_url(article.cover_image.url) if article.cover_image else "",
        image_alt=article.cover_alt,
        noindex=not article.is_published,
        structured_data=[seo.article_data(article), seo.breadcrumb_data(crumbs)],
        head_key=head_key,
    )
    return meta, crumbs


def _comments(reader, article):
    return list(Comment.objects.visible_to(reader).thread(article))


def _neighbours(article):
    """The published articles just before and after this one in publication order."""
    if not article.is_published:
        return {"older": None, "newer": None}
    neighbours = Article.objects.only("title", "slug", "published_at")
    older = neighbours.published_before(article).first()
    newer = neighbours.published_after(article).first()
    return {"older": older, "newer": newer}


@require_POST
def comment_create(request, slug):
    if not request.user.is_authenticated:
        return _sign_in_first(slug)
    article = _visible_article(request, slug)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment = services.comment_create(
                article=article, author=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(f"{article.get_absolute_url()}#comment-{comment.pk}")
    # What was typed stays in the re-rendered form, with the reasons it was refused.
    return _render_article(request, article, form, status=400)


def _own_comment(request, pk, may):
    """The comment `pk` if the reader can see it and `may(reader, comment)`; else 404
    (unseen) or 403 (seen, but not theirs to change, or the edit window has closed)."""
    comment = get_object_or_404(
        Comment.objects.visible_to(request.user).select_related("article", "author"), pk=pk
    )
    if not may(request.user, comment):
        raise PermissionDenied("You cannot change this comment.")
    return comment


def _comment_page(request, template, comment, form=None, status=200):
    meta = seo.PageMeta(
        title="Edit your comment" if form else "Delete your comment",
        description=f"On “{comment.article.title}”.",
        canonical_path=request.path,
        noindex=True,
    )
    context = {
        "meta": meta,
        "comment": comment,
        "article": comment.article,
        "form": form,
        "comment_max_length": COMMENT_MAX_LENGTH,
    }
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request, pk):
    """The plain-form edit of one's own comment, within the edit window."""
    comment = _own_comment(request, pk, services.can_edit_comment)
    if request.method == "GET":
        form = CommentForm(initial={"body": comment.body})
        return _comment_page(request, "pages/comment_edit.html", comment, form)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_edit(comment=comment, by=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(comment.get_absolute_url())
    return _comment_page(request, "pages/comment_edit.html", comment, form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def comment_delete(request, pk):
    """Asks first (GET), then deletes (POST): one's own comment, or any for moderators."""
    comment = _own_comment(request, pk, services.can_delete_comment)
    if request.method == "GET":
        return _comment_page(request, "pages/comment_delete.html", comment)
    article = comment.article
    services.comment_delete(comment=comment, by=request.user)
    return redirect(f"{article.get_absolute_url()}#comments-title")


def _reader_mark_view(set_mark, unset_mark):
    """A POST form that sets (`state=on`) or clears (`state=off`) a like or bookmark.
    It names the state it wants, not "toggle", so a repeated submit changes nothing."""

    @require_POST
    def view(request, slug):
        if not request.user.is_authenticated:
            return _sign_in_first(slug)
        article = _visible_article(request, slug)
        write = set_mark if request.POST.get("state") == "on" else unset_mark
        # A refusal (an editor previewing a draft) propagates as a 403 page.
        write(user=request.user, article=article)
        return redirect(f"{article.get_absolute_url()}#reactions")

    return view


like = _reader_mark_view(services.like_set, services.like_unset)
bookmark = _reader_mark_view(services.bookmark_set, services.bookmark_unset)


def _sign_in_first(slug):
    return redirect_to_login(reverse("pages:article-detail", args=[slug]))


# --- Site files --------------------------------------------------------------------


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /bookmarks/",
        "Disallow: /search/",
        "",
        f"Sitemap: {seo.absolute_url(reverse('pages:sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
