"""Parts of pages kept between renders (pages/kept.py): article cards and comments.

A card shows its article, author and tags, all of the "site" version; a comment also
depends on its article's version (edits, moderation) and on what the reader may do
with it.
"""

from django import template
from django.conf import settings
from django.db.models import QuerySet
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from content import freshness
from content.models import Article
from pages.kept import KeptIds, kept, kept_many

register = template.Library()

CARD = "components/article_card.html"


@register.simple_tag(takes_context=True)
def article_cards(context, articles):
    """The cards of `articles` (a query, or articles already loaded), in order: a list
    of HTML.

    Given a query (a page of a list), it first asks only for the ids (or finds them
    kept, for a page of a public list), and loads just the articles whose cards are not
    kept: a list seen before costs at most one narrow query instead of twenty articles
    with their authors and tags."""
    site_version = freshness.content_versions(context["request"], [freshness.SITE])[freshness.SITE]

    def card_key(pk):
        return f"card:{site_version}:{pk}"

    if articles is None:  # the list's empty form, for the scripts
        return []
    if isinstance(articles, KeptIds) and settings.FRAGMENT_CACHE:
        ids, loaded = articles.ids(), {}
    elif isinstance(articles, QuerySet) and settings.FRAGMENT_CACHE:
        ids, loaded = list(articles.prefetch_related(None).values_list("pk", flat=True)), {}
    else:
        loaded = {article.pk: article for article in articles}
        ids = list(loaded)

    def render_cards(keys):
        keys = set(keys)
        missing = [pk for pk in ids if card_key(pk) in keys and pk not in loaded]
        loaded.update(Article.objects.for_listing().in_bulk(missing) if missing else {})
        # An article deleted since the ids were read has no card.
        return {
            card_key(pk): str(_render(CARD, {"article": loaded[pk]}))
            for pk in ids
            if card_key(pk) in keys and pk in loaded
        }

    cards = kept_many([card_key(pk) for pk in ids], render_cards)
    # Rendered from our template, auto-escaped.
    return [mark_safe(cards[card_key(pk)]) for pk in ids if card_key(pk) in cards]  # noqa: S308


@register.simple_tag(takes_context=True)
def comment_item(context, comment, article):
    scopes = [freshness.SITE, freshness.article_scope(article.slug)]
    versions = freshness.content_versions(context["request"], scopes)
    # What the reader may do with it is in the key: their own, within the edit window;
    # moderators.
    key = (
        f"comment:{versions[scopes[0]]}:{versions[scopes[1]]}:{comment.pk}"
        f":{bool(getattr(comment, 'viewer_can_edit', False))}"
        f":{bool(getattr(comment, 'viewer_can_delete', False))}"
    )
    html = kept(key, lambda: str(_render("components/comment.html", {"comment": comment})))
    return mark_safe(html)  # noqa: S308 (rendered from our template, auto-escaped)


def _render(template_name, values):
    return get_template(template_name).render(values)


@register.tag
def kept_part(parser, token):
    """`{% kept_part "name" value… %}…{% endkept_part %}`: the enclosed part, kept under
    its name and the values (pages/kept.py). The values must name every version of
    content the part shows, and the part must show nothing of the reader: it is the
    same for everyone who reads it."""
    name, *vary_on = (parser.compile_filter(bit) for bit in token.split_contents()[1:])
    nodelist = parser.parse(("endkept_part",))
    parser.delete_first_token()
    return KeptPartNode(nodelist, name, vary_on)


class KeptPartNode(template.Node):
    def __init__(self, nodelist, name, vary_on):
        self.nodelist, self.name, self.vary_on = nodelist, name, vary_on

    def render(self, context):
        key = ":".join(str(part.resolve(context)) for part in (self.name, *self.vary_on))
        return kept(f"part:{key}", lambda: str(self.nodelist.render(context)))
