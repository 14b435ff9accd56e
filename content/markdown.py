"""Markdown to safe HTML: the only way article bodies become HTML.

Python-Markdown renders; nh3 (the Rust `ammonia` sanitizer) then keeps only an
allow-list of tags, attributes and URL schemes, so whatever an author pastes
(raw HTML, scripts, event handlers, `javascript:` links) cannot reach a reader.
"""

import re

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

MARKDOWN_EXTENSIONS = ["fenced_code", "tables", "sane_lists"]

HEADING_TAG = re.compile(r"<(/?)h([1-6])\b")
# The page's <h1> is the article title, so a body's outline starts at <h2>.
TOP_BODY_HEADING = 2


def render_markdown(text: str) -> str:
    """Render Markdown `text` to sanitized HTML."""
    html = markdown.markdown(text, extensions=MARKDOWN_EXTENSIONS, output_format="html")
    return sanitize_html(shift_headings(html))


def shift_headings(html: str) -> str:
    """Move every heading by the same number of levels so the highest becomes <h2>.

    Authors write "# Section" or "## Section" for the same thing; either way the body's
    outline sits under the page's <h1> without skipping a level.
    """
    levels = [int(level) for _, level in HEADING_TAG.findall(html)]
    if not levels:
        return html
    shift = TOP_BODY_HEADING - min(levels)
    if shift == 0:
        return html
    return HEADING_TAG.sub(lambda tag: f"<{tag[1]}h{min(6, int(tag[2]) + shift)}", html)


# nh3 reaches a stable result in one pass for almost every input; see sanitize_html().
MAX_SANITIZE_PASSES = 4


def sanitize_html(html: str) -> str:
    """`html` cut down to the allow-list, in the form an HTML parser reads back unchanged.

    Removing an element can leave markup that parses differently from the tree it was
    serialized from: "<p><button><p>x</p></button></p>" loses its <button> and becomes
    "<p><p>x</p></p>", which a browser reads as three paragraphs. Cleaning again until
    nothing changes stores what readers' browsers will build, and keeps the sanitizer
    idempotent (tests/security/test_sanitizer_properties.py).
    """
    for _ in range(MAX_SANITIZE_PASSES):
        cleaned = _clean(html)
        if cleaned == html:
            break
        html = cleaned
    return html


def _clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        clean_content_tags=DROPPED_WITH_CONTENT,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
