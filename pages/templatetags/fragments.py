"""Parts of pages kept between renders: article cards and comments.

Signed-in readers skip the visitor cache, so their pages are rendered every time; the
parts that are the same for everyone are rendered once per version of what they show
(content/freshness.py) and kept in the page cache of this process. A card shows its
article, author and tags, all of the "site" version; a comment also depends on its
article's version (edits, moderation) and on what the reader may do with it.
"""

from django import template
from django.conf import settings
from django.core.cache import caches
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from content import freshness

register = template.Library()

# Only bounds memory: a version change makes new keys.
FRAGMENT_TIMEOUT = 600


@register.simple_tag(takes_context=True)
def article_card(context, article):
    versions = freshness.content_versions(context["request"], [freshness.SITE])
    key = ("card", versions[freshness.SITE], article.pk)
    return _kept(key, "components/article_card.html", {"article": article})


@register.simple_tag(takes_context=True)
def comment_item(context, comment, article):
    scopes = [freshness.SITE, freshness.article_scope(article.slug)]
    versions = freshness.content_versions(context["request"], scopes)
    key = (
        "comment",
        *(versions[scope] for scope in scopes),
        comment.pk,
        # What the reader may do with it (their own, within the edit window; moderators).
        bool(getattr(comment, "viewer_can_edit", False)),
        bool(getattr(comment, "viewer_can_delete", False)),
    )
    return _kept(key, "components/comment.html", {"comment": comment})


def _kept(key, template_name, values):
    if not settings.FRAGMENT_CACHE:
        return get_template(template_name).render(values)
    fragments = caches["pages"]
    cache_key = ":".join(map(str, key))
    html = fragments.get(cache_key)
    if html is None:
        html = get_template(template_name).render(values)
        fragments.set(cache_key, str(html), FRAGMENT_TIMEOUT)
    return mark_safe(html)  # noqa: S308 (rendered from our template, auto-escaped)
