"""Markdown to safe HTML: the only way article bodies become HTML.

Python-Markdown renders; nh3 (the Rust `ammonia` sanitizer) then keeps only an
allow-list of tags, attributes and URL schemes, so whatever an author pastes
(raw HTML, scripts, event handlers, `javascript:` links) cannot reach a reader.
"""

import markdown
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s",
    "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Dropped with everything inside them, not just unwrapped.
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template"}

MARKDOWN_EXTENSIONS = ["fenced_code", "tables", "sane_lists", "toc"]
# The page's <h1> is the article title, so a Markdown "# Heading" becomes <h2>.
MARKDOWN_CONFIG = {"toc": {"baselevel": 2}}


def render_markdown(text: str) -> str:
    """Render Markdown `text` to sanitized HTML."""
    html = markdown.markdown(
        text,
        extensions=MARKDOWN_EXTENSIONS,
        extension_configs=MARKDOWN_CONFIG,
        output_format="html",
    )
    return sanitize_html(html)


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        clean_content_tags=DROPPED_WITH_CONTENT,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
