"""Properties of the Markdown sanitizer (content/markdown.py) for generated input: text
mixing Markdown, HTML elements with hostile attributes, and URLs with every trick of
scheme spelling. Whatever comes in, what goes out has only allowed tags, attributes and
URL schemes, sanitizing it again changes nothing, and nothing raises."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from content.markdown import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    URL_SCHEMES,
    render_markdown,
    sanitize_html,
)
from tests.security.checks import sanitized_body_problems

# Enough examples to mix every strategy many times in a few seconds; no example database
# on disk (the suite's runs are independent, and nothing lands in the working tree).
sanitizer_settings = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

HOSTILE_TAGS = [
    "script", "style", "iframe", "object", "embed", "svg", "math", "base", "meta", "link",
    "form", "input", "button", "textarea", "select", "template", "noscript", "xmp",
    "noembed", "plaintext", "title", "img", "a", "video", "audio", "source", "details",
    "mglyph", "mtext", "foreignObject", "animate", "set", "use", "image", "body", "html",
]  # fmt: skip
HOSTILE_ATTRIBUTES = [
    "onerror", "onload", "onclick", "onmouseover", "onfocus", "ontoggle", "onbegin",
    "ONERROR", "style", "srcdoc", "formaction", "action", "xlink:href", "background",
    "data", "srcset", "poster", "id", "class", "rel", "target", "autofocus", "is",
]  # fmt: skip
URL_ATTRIBUTES = ["href", "src", "xlink:href", "action", "formaction", "data", "poster"]
SCHEMES = [
    "javascript:", "JaVaScRiPt:", " javascript:", "java\tscript:", "java\nscript:",
    "\x01javascript:", "&#106;avascript:", "&#x6A;avascript:", "javascript&colon;",
    "vbscript:", "data:text/html,", "data:image/svg+xml,", "livescript:", "feed:", "jar:",
    "http://", "https://", "mailto:", "//", "/", "#", "", "ftp://", "file:///",
]  # fmt: skip
PAYLOADS = ["alert(1)", "<script>alert(1)</script>", "%61lert(1)", "x", "\u202e", "\x00"]
TEXT = st.text(
    alphabet=st.sampled_from([*"ab <>/=\"'`&;:#()[]!*_\\\n\t-|{}", "\x00", "\u202e"]),
    max_size=20,
)

urls = st.builds(
    lambda scheme, payload, tail: scheme + payload + tail,
    st.sampled_from(SCHEMES),
    st.sampled_from(PAYLOADS),
    TEXT,
)
attribute_values = st.one_of(urls, TEXT, st.sampled_from(PAYLOADS))
quotes = st.sampled_from(['"', "'", ""])


@st.composite
def attributes(draw):
    name = draw(
        st.sampled_from(
            HOSTILE_ATTRIBUTES
            + URL_ATTRIBUTES
            + sorted({attr for allowed in ALLOWED_ATTRIBUTES.values() for attr in allowed})
        )
    )
    value = draw(urls if name in URL_ATTRIBUTES else attribute_values)
    quote = draw(quotes)
    return f" {name}={quote}{value}{quote}"


@st.composite
def elements(draw, children):
    tag = draw(st.sampled_from(HOSTILE_TAGS + sorted(ALLOWED_TAGS)))
    attrs = "".join(draw(st.lists(attributes(), max_size=3)))
    inner = "".join(draw(st.lists(children, max_size=3)))
    closing = draw(st.sampled_from([f"</{tag}>", "", f"</{tag}", "</p>"]))
    return f"<{tag}{attrs}>{inner}{closing}"


markdown_constructs = st.one_of(
    st.builds(lambda text, url: f"[{text}]({url})", TEXT, urls),
    st.builds(lambda text, url: f"![{text}]({url})", TEXT, urls),
    st.builds(lambda url: f"<{url}>", urls),
    st.builds(lambda text, url: f"[{text}][r]\n\n[r]: {url}\n", TEXT, urls),
    st.builds(lambda text: f"`{text}`", TEXT),
    st.builds(lambda text: f"\n```\n{text}\n```\n", TEXT),
    st.builds(lambda text: f"\n# {text}\n", TEXT),
    st.builds(lambda text: f"\n> {text}\n", TEXT),
    st.builds(lambda a, b: f"\n| {a} | {b} |\n|---|---|\n| {b} | {a} |\n", TEXT, TEXT),
)
fragments = st.recursive(
    st.one_of(TEXT, markdown_constructs, st.sampled_from(PAYLOADS)),
    lambda children: elements(children),
    max_leaves=8,
)
documents = st.lists(fragments, min_size=1, max_size=6).map("".join)


@sanitizer_settings
@given(documents)
def test_rendered_markdown_keeps_only_allowed_tags_attributes_and_schemes(document):
    html = render_markdown(document)
    assert sanitized_body_problems(html) == [], html


@sanitizer_settings
@given(documents)
def test_sanitizing_rendered_markdown_again_changes_nothing(document):
    html = render_markdown(document)
    assert sanitize_html(html) == html


@sanitizer_settings
@given(documents)
def test_sanitizing_raw_html_keeps_only_the_allow_list(document):
    html = sanitize_html(document)
    assert sanitized_body_problems(html) == [], html
    assert sanitize_html(html) == html


@sanitizer_settings
@given(st.text(max_size=200))
def test_any_text_at_all_renders_without_raising(text):
    assert sanitized_body_problems(render_markdown(text)) == []


def test_the_url_allow_list_is_what_the_properties_check():
    # The properties hold the output to these schemes; a change here is deliberate.
    assert {"http", "https", "mailto"} == URL_SCHEMES
