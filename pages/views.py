"""The HTML face: views parse the request, ask content/ for data, and render.

Every article query starts from the visibility rule (`published()` / `visible_to()`);
every write goes through content/services.py.
"""

import functools
import hashlib
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from content import account_data, notifications, services, sessions, versions
from content.models import (
    COMMENT_MAX_LENGTH,
    Article,
    Comment,
    Like,
    Tag,
    published_authors,
    reader_marks,
    reads_only_public_content,
    visible_article,
)
from content.search import normalize_query, search_articles
from pages import seo
from pages.forms import (
    AccountDeleteForm,
    CommentForm,
    NewCommentForm,
    NotificationChoicesForm,
    ProfileForm,
    new_idempotency_key,
)
from pages.ratelimits import too_fast

ARTICLES_PER_PAGE = 20
FEATURED_COUNT = 3
SITE_DESCRIPTION = "Gazette publishes articles, essays and field notes by independent writers."


def list_api_url(name="api:article-list", **query):
    """The API list that continues a page's list, for the "Load more" button: the same
    articles in the same order (the API's contract), filtered as the page is."""
    return reverse(name, query=query)


class CachedCountPaginator(Paginator):
    """Counts the list once per version of the site instead of on every page: a count
    reads every published row, so it alone would make pages slower as the site grows."""

    def __init__(self, queryset, per_page, *, request, count_name):
        super().__init__(queryset, per_page)
        self.request, self.count_name = request, count_name

    @cached_property
    def count(self):
        name = f"count:{self.count_name}"
        return versions.cached(self.request, name, self.object_list.count)


# Where a reader's CSRF token goes in a stored page: random, so no page text stands for it.
CSRF_TOKEN_PLACEHOLDER = secrets.token_hex(16)


def render_cached(request, template_name, make_context, *, slug=None, reader_state=()):
    """`render()` for a public page, which is the same for every reader in the same state
    (signed in or not, and `reader_state`, such as a like) but for their CSRF token. It
    is rendered once per address, content version and state with a placeholder for the
    token, and stored in the `views` cache; each reader's copy gets their token. So a
    stored copy costs none of the view's work, `make_context()` runs only to render.

    Staff's pages (drafts) and those with a message waiting are rendered as they are, as
    is a visitor's while project/http_cache.py stores visitors' answers (PAGE_CACHE).
    Hand-written: `{% cache %}` cannot leave a hole for the token in what it stores, and
    `cache_page` stores one answer per reader (README, "Caching")."""
    reader = request.user
    if (
        not reads_only_public_content(reader)
        or get_messages(request)
        or (settings.PAGE_CACHE and not reader.is_authenticated)
    ):
        return render(request, template_name, make_context())
    state = "".join("1" if part else "0" for part in (reader.is_authenticated, *reader_state))
    name = f"page:{short_key(request.get_host() + request.get_full_path())}:{state}"
    html = versions.cached(
        request,
        name,
        lambda: render_to_string(
            template_name, {**make_context(), "csrf_token": CSRF_TOKEN_PLACEHOLDER}, request
        ),
        versions.scopes_of_article(slug) if slug else [versions.SITE],
    )
    if CSRF_TOKEN_PLACEHOLDER in html:
        html = html.replace(CSRF_TOKEN_PLACEHOLDER, get_token(request))
    return HttpResponse(html)


def cached_page(template_name):
    """A public page's view, from a function that returns its context."""

    def decorate(make_context):
        @functools.wraps(make_context)
        def view(request, *args, **kwargs):
            make = functools.partial(make_context, request, *args, **kwargs)
            return render_cached(request, template_name, make)

        return view

    return decorate


def paginate(request, queryset, per_page=ARTICLES_PER_PAGE, *, count_name=None):
    """The requested `?page=N` of `queryset`; a page that does not exist is a 404,
    whether it is past the end or not a number. `count_name` names a list whose length
    only a change of the site's content changes (not a reader's bookmarks)."""
    if count_name is None:
        paginator = Paginator(queryset, per_page)
    else:
        paginator = CachedCountPaginator(queryset, per_page, request=request, count_name=count_name)
    try:
        return paginator.page(request.GET.get("page") or 1)
    except InvalidPage as error:
        raise Http404("No such page.") from error


@cached_page("pages/home.html")
def home(request):
    published = Article.objects.published().for_listing().newest_first()
    # The list's first page, counted as the list counts it: "more" continues at page 2.
    latest = paginate(request, published, count_name="articles")
    meta = seo.PageMeta(
        title=settings.SITE_NAME,
        description=SITE_DESCRIPTION,
        canonical_path=reverse("pages:home"),
        structured_data=[seo.website_data()],
        json_url=reverse("api:article-list"),
    )
    return {
        "meta": meta,
        "featured": published.filter(is_featured=True)[:FEATURED_COUNT],
        "articles": latest.object_list,
        "list_api_url": list_api_url(),
        "more_url": seo.page_url(reverse("pages:article-list"), 2) if latest.has_next() else None,
    }


@cached_page("pages/article_list.html")
def article_list(request):
    page = paginate(
        request, Article.objects.published().for_listing().newest_first(), count_name="articles"
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
    return {
        "meta": meta,
        "crumbs": crumbs,
        "heading": "All articles",
        "page": page,
        "page_path": path,
        "list_api_url": list_api_url(),
    }


def short_key(text):
    """`text` (a slug, a query: as long as a reader makes it) as a short key part, the
    same for everyone and safe for any cache backend."""
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


@cached_page("pages/tag_detail.html")
def tag_detail(request, slug):
    tag = versions.cached(
        request, f"tag:{short_key(slug)}", Tag.objects.in_use().filter(slug=slug).first
    )
    if tag is None:
        raise Http404("No such tag.")
    articles = Article.objects.published().filter(tags=tag).for_listing().newest_first()
    page = paginate(request, articles, count_name=f"tag:{tag.pk}")
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
    return {
        "meta": meta,
        "crumbs": crumbs,
        "tag": tag,
        "page": page,
        "page_path": path,
        "list_api_url": list_api_url(tag=tag.slug),
    }


@cached_page("pages/author_detail.html")
def author_detail(request, username):
    # Only people with published writing have a public page.
    author = versions.cached(
        request,
        f"author:{short_key(username)}",
        published_authors().filter(username=username).first,
    )
    if author is None:
        raise Http404("No such author.")
    articles = Article.objects.published().filter(author=author).for_listing().newest_first()
    page = paginate(request, articles, count_name=f"author:{author.pk}")
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
    return {
        "meta": meta,
        "crumbs": crumbs,
        "author": author,
        "page": page,
        "page_path": path,
        "list_api_url": list_api_url(author=author.username),
    }


@require_GET
@cached_page("pages/search.html")
def search(request):
    query = normalize_query(request.GET.get("q"))
    path = reverse("pages:search")
    page = paginate(
        request,
        search_articles(Article.objects.published().for_listing(), query),
        count_name=f"search:{short_key(query)}",
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
    return {
        "meta": meta,
        "query": query,
        "page": page,
        "page_path": path,
        "page_query": {"q": query},
        "list_api_url": list_api_url(search=query),
        "search_api_url": list_api_url(),
    }


@login_required
def bookmarks(request):
    bookmarked = Article.objects.published().bookmarked_by(request.user).for_listing()
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
    versions.of_request(request, versions.scopes_of_article(slug))  # both in one read
    return _render_article(request, slug)


def _article(request, slug):
    """The article at `slug` as `request.user` may read it, else 404: the same for every
    reader but staff, so stored per version of the site for them."""
    if not reads_only_public_content(request.user):
        return visible_article(request.user, slug)
    return versions.cached(
        request, f"article:{short_key(slug)}", lambda: visible_article(request.user, slug)
    )


def _render_article(request, slug, comment_form=None, status=200):
    """The article's page; a stored copy (render_cached) needs only the reader's marks."""
    reader = request.user
    marks = reader_marks(reader, slug) if reader.is_authenticated else None
    liked, bookmarked = bool(marks and marks.liked), bool(marks and marks.bookmarked)

    def context():
        article = _article(request, slug)
        meta, crumbs = versions.cached(
            request, f"article-meta:{article.pk}", lambda: _article_meta(article)
        )
        comments, threads = _comments(reader, article)
        return {
            "meta": meta,
            "crumbs": crumbs,
            "article": article,
            "comments": comments,
            "threads": threads,
            "like_count": Like.objects.filter(article=article).count(),
            "neighbours": _neighbours(article),
            "comment_form": comment_form or NewCommentForm(),
            "comment_max_length": COMMENT_MAX_LENGTH,
            "liked": liked,
            "bookmarked": bookmarked,
        }

    # A refused comment is shown back to its writer, and a reader's own comments carry
    # links for them alone: those pages are theirs.
    if status != 200 or (marks and marks.commented):
        return render(request, "pages/article_detail.html", context(), status=status)
    return render_cached(
        request,
        "pages/article_detail.html",
        context,
        slug=slug,
        reader_state=(liked, bookmarked),
    )


def _article_meta(article):
    """(PageMeta, breadcrumbs) of the article's page."""
    path = article.get_absolute_url()
    crumbs = [
        ("Home", reverse("pages:home")),
        ("Articles", reverse("pages:article-list")),
        (article.title, path),
    ]
    article_data = seo.article_data(article)
    image = article_data.get("image")  # the social crop, or the original
    meta = seo.PageMeta(
        title=article.title,
        description=article.description,
        canonical_path=path,
        og_type="article",
        json_url=reverse("api:article-detail", args=[article.slug]),
        image_url=image["url"] if image else "",
        image_alt=article.cover_alt,
        image_width=image["width"] if image else None,
        image_height=image["height"] if image else None,
        noindex=not article.is_published,
        structured_data=[article_data, seo.breadcrumb_data(crumbs)],
    )
    return meta, crumbs


@dataclass
class Thread:
    """A root comment with its replies, oldest first. `root` is None when the reader
    may not see it (hidden): its replies stay readable under a placeholder."""

    root_id: int
    root: Comment | None = None
    replies: list[Comment] = field(default_factory=list)


def _comments(reader, article):
    """(the comments the reader sees, the same grouped in threads): one query."""
    comments = list(Comment.objects.visible_to(reader).thread(article))
    threads = {}
    for comment in comments:
        # What the reader may do with each comment decides which links it shows.
        comment.viewer_can_edit = services.can_edit_comment(reader, comment)
        comment.viewer_can_delete = services.can_delete_comment(reader, comment)
        comment.viewer_can_reply = services.can_reply_to(comment, article)
        comment.viewer_can_report = services.can_report_comment(reader, comment)
        # A reply names its root (comment_create); a hidden root's thread takes the
        # place of its first visible reply.
        root_id = comment.parent_id or comment.pk
        thread = threads.setdefault(root_id, Thread(root_id))
        if comment.parent_id:
            thread.replies.append(comment)
        else:
            thread.root = comment
    return comments, list(threads.values())


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
    article = visible_article(request.user, slug)  # a write reads the database itself
    form = NewCommentForm(request.POST)
    if not form.is_valid():
        # What was typed stays in the re-rendered form, with the reasons it was refused.
        return _render_article(request, slug, form, status=400)
    return _post_comment(request, form, article, functools.partial(_render_article, request, slug))


def _post_comment(request, form, article, rerender, parent=None):
    """The plain forms' post of a comment or a reply: the honeypot, the rate shared with
    the API, one post per rendered form, then the new comment's anchor. `rerender(form,
    status=…)` shows the form again with what was typed."""
    if form.cleaned_data["website"]:
        # The honeypot is filled: a bot. It is answered as a person would be, so that it
        # learns nothing, and its comment is not stored.
        return redirect(f"{article.get_absolute_url()}#comments-title")
    if refused := too_fast(request, "comments"):
        form.add_error(None, refused.message)
        return refused.refuse(rerender(form, status=429))
    body = form.cleaned_data["body"]

    def write():
        comment = services.comment_create(
            article=article, author=request.user, body=body, parent=parent
        )
        if comment.awaiting_moderation:
            messages.info(request, HELD_MESSAGE)
            return f"{article.get_absolute_url()}#comments-title"
        return comment.get_absolute_url()

    try:
        address, _ = services.idempotent(
            user=request.user,
            key=form.cleaned_data["idempotency_key"] or None,
            request=[request.method, request.path, body],
            write=write,
        )
    except ValidationError as error:
        # A refused parent is no field of the form: it shows above the form.
        refused_parent = "parent" in getattr(error, "error_dict", {})
        form.add_error(None, error.messages if refused_parent else error)
        return rerender(form, status=400)
    except services.IdempotencyKeyReused:
        return rerender(_form_sent_before(body), status=422)
    return redirect(address)


def _form_sent_before(body):
    """The form was sent before with other text (back, edit, send): that post stands,
    and this text waits, with a new token, for the reader to send it as a new one."""
    form = NewCommentForm({"body": body, "idempotency_key": new_idempotency_key()})
    form.is_valid()
    form.add_error(
        None,
        "This form was sent before with other text, which is posted. "
        "Post again to add this text as a new comment.",
    )
    return form


@require_http_methods(["GET", "POST"])
def comment_reply(request, pk):
    """The plain-form reply to a comment the reader sees: a page with the form (or, for
    visitors, the way to sign in), then back to the new reply on the article's page."""
    parent = get_object_or_404(
        Comment.objects.visible_to(request.user).select_related("article", "author"), pk=pk
    )
    rerender = functools.partial(
        comment_page, request, "pages/comment_reply.html", parent, title="Reply to a comment"
    )
    if request.method == "GET":
        return rerender(NewCommentForm())
    if not request.user.is_authenticated:
        return redirect_to_login(request.path)
    form = NewCommentForm(request.POST)
    if not form.is_valid():
        return rerender(form, status=400)
    return _post_comment(request, form, parent.article, rerender, parent=parent)


HELD_MESSAGE = (
    "Thanks. Your comment has several links, so a moderator will look at it before others see it."
)


def _own_comment(request, pk, may):
    """The comment `pk` if the reader can see it and `may(reader, comment)`; else 404
    (unseen) or 403 (seen, but not theirs to change, or the edit window has closed)."""
    comment = get_object_or_404(
        Comment.objects.visible_to(request.user).select_related("article", "author"), pk=pk
    )
    if not may(request.user, comment):
        raise PermissionDenied("You cannot change this comment.")
    return comment


def comment_page(request, template, comment, form=None, *, title, status=200):
    """A page about one comment (replying, editing, deleting, reporting), for no one but
    the reader at hand: not indexed."""
    meta = seo.PageMeta.private(request, title, f"On “{comment.article.title}”.")
    context = {
        "meta": meta,
        "comment": comment,
        "article": comment.article,
        "form": form,
        "comment_max_length": COMMENT_MAX_LENGTH,
    }
    return render(request, template, context, status=status)


EDIT_PAGE, EDIT_TITLE = "pages/comment_edit.html", "Edit your comment"


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request, pk):
    """The plain-form edit of one's own comment, within the edit window."""
    comment = _own_comment(request, pk, services.can_edit_comment)
    if request.method == "GET":
        form = CommentForm(initial={"body": comment.body})
        return comment_page(request, EDIT_PAGE, comment, form, title=EDIT_TITLE)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_edit(comment=comment, by=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(comment.get_absolute_url())
    return comment_page(request, EDIT_PAGE, comment, form, title=EDIT_TITLE, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def comment_delete(request, pk):
    """Asks first (GET), then deletes (POST): one's own comment, or any for moderators."""
    comment = _own_comment(request, pk, services.can_delete_comment)
    if request.method == "GET":
        return comment_page(
            request, "pages/comment_delete.html", comment, title="Delete your comment"
        )
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
        article = visible_article(request.user, slug)
        write = set_mark if request.POST.get("state") == "on" else unset_mark
        # A refusal (an editor previewing a draft) propagates as a 403 page.
        write(user=request.user, article=article)
        return redirect(f"{article.get_absolute_url()}#reactions")

    return view


like = _reader_mark_view(services.like_set, services.like_unset)
bookmark = _reader_mark_view(services.bookmark_set, services.bookmark_unset)


def _sign_in_first(slug):
    return redirect_to_login(reverse("pages:article-detail", args=[slug]))


# --- The reader's account and e-mail -------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def account(request):
    """The reader's account page: their public profile and e-mail notifications (two
    forms: the profile's submit button is named "profile"), and the ways to their addresses,
    password and sessions (allauth's pages and /accounts/sessions/)."""
    posted = request.POST if request.method == "POST" else None
    profile = ProfileForm(posted if posted and "profile" in posted else None, instance=request.user)
    form = NotificationChoicesForm(
        posted if posted and "profile" not in posted else None, instance=request.user
    )
    if profile.is_bound and profile.is_valid():
        profile.save()  # a User save outside the private fields: cached pages follow
        messages.success(request, "Your profile is saved.")
        return redirect("account")
    if form.is_bound and form.is_valid():
        notifications.notifications_set(user=request.user, **form.cleaned_data)
        messages.success(request, "Your e-mail choices are saved.")
        return redirect("account")
    meta = seo.PageMeta.private(
        request,
        "Your account",
        "Your profile, e-mail notifications, addresses, password and sessions.",
    )
    status = 400 if profile.errors or form.errors else 200
    context = {"meta": meta, "profile": profile, "form": form}
    return render(request, "pages/account.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def account_sessions(request):
    """Where the reader is signed in (content/sessions.py); a button ends one of the
    others, another ends every other one."""
    current = request.session.session_key
    if request.method == "POST":
        place_id = request.POST.get("end", "")
        if place_id == "others":
            sessions.end_sessions(request.user, keep_session_key=current)
            messages.success(request, "You are signed out everywhere else.")
        elif sessions.end_one(request.user, place_id):
            messages.success(request, "That session is signed out.")
        else:
            messages.error(request, "That session had already ended.")
        return redirect("account_sessions")
    meta = seo.PageMeta.private(request, "Where you are signed in", "Your sessions and API tokens.")
    context = {"meta": meta, "places": sessions.signed_in_list(request.user, current)}
    return render(request, "pages/account_sessions.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def account_export(request):
    """The reader's copy of their data: start one (POST), see how it is going, download
    it while it is offered."""
    if request.method == "POST":
        try:
            account_data.export_request(request.user)
        except account_data.ExportTooSoon as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, "We are putting your data together; we will e-mail you.")
        return redirect("account_export")
    export = account_data.latest_export(request.user)
    meta = seo.PageMeta.private(request, "Your data", "Download a copy of your data.")
    context = {"meta": meta, "export": export, "state": account_data.export_state(export)}
    return render(request, "pages/account_export.html", context)


@login_required
@require_GET
def account_export_download(request, pk):
    """The export file, for its reader only (anyone else: 404), while it is offered."""
    export = account_data.offered_export(request.user, pk)
    if export is None:
        raise Http404("No such export, or it has expired.")
    response = HttpResponse(export.data, content_type="application/json")
    response["Content-Disposition"] = (
        f'attachment; filename="{account_data.export_filename(export)}"'
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    """Deleting one's account: with the password, or (an account without one) by asking
    for a mailed link."""
    user = request.user
    refusal = account_data.deletion_refusal(user)
    has_password = user.has_usable_password()
    form = AccountDeleteForm(request.POST or None, user=user) if has_password else None
    if request.method == "POST" and refusal is None:
        if not has_password:
            account_data.deletion_link_send(user)
            messages.success(request, "We have e-mailed you a link that confirms the deletion.")
            return redirect("account_delete")
        if form.is_valid():
            return _deleted(request, user)
    meta = seo.PageMeta.private(request, "Delete your account", "Delete your account.")
    context = {
        "meta": meta,
        "form": form,
        "refusal": refusal,
        "comments": settings.ACCOUNT_DELETION_COMMENTS,
    }
    status = 403 if refusal and request.method == "POST" else 400 if form and form.errors else 200
    return render(request, "pages/account_delete.html", context, status=status)


@require_http_methods(["GET", "POST"])
def account_delete_confirm(request, token):
    """The mailed link of an account without a password. GET only asks (mail scanners
    open links); the button POSTs. The signed token is the authority, signed in or not."""
    user = account_data.read_deletion_token(token)
    meta = seo.PageMeta.private(request, "Delete your account", "Confirm deleting your account.")
    context = {"meta": meta, "token": token, "valid": user is not None}
    if user is None:
        return render(request, "pages/account_delete_confirm.html", context, status=404)
    if request.method == "POST":
        return _deleted(request, user)
    return render(request, "pages/account_delete_confirm.html", context)


def _deleted(request, user):
    try:
        account_data.account_delete(user)
    except account_data.DeletionRefused as refusal:
        raise PermissionDenied(str(refusal)) from refusal
    if request.user.is_authenticated and request.user.pk == user.pk:
        logout(request)  # flushes this session: its cookie names nothing any more
    messages.success(request, "Your account is deleted. Goodbye.")
    return redirect("pages:home")


# Mail clients send RFC 8058's one-click POST with neither cookies nor a CSRF token. The
# signed token in the address is the authority, and a POST here can only turn e-mails
# off, so forging one gains nothing.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def notifications_unsubscribe(request, token):
    """GET: a page that asks (mail scanners open links; opening changes nothing). POST,
    from that page or a mail client's one-click: turns the e-mails off."""
    named = notifications.read_unsubscribe_token(token)
    meta = seo.PageMeta.private(request, "Unsubscribe", "Stop e-mails about comments.")
    context = {"meta": meta, "token": token}
    if named is None:
        return render(request, "pages/unsubscribe.html", context, status=404)
    user, kinds = named
    context["kinds"] = [kind.label for kind in kinds]
    if request.method == "POST":
        notifications.unsubscribe(user, kinds)
        context["done"] = True
    return render(request, "pages/unsubscribe.html", context)


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
