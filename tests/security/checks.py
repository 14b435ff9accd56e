"""What a page, feed or JSON answer must look like when hostile text went into it: the
text is there as text, and none of it became markup a browser would run."""

import json
import re
import xml.etree.ElementTree as ET

from bs4 import BeautifulSoup

from content.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES

# nh3 (ammonia) allows these on every element unless told otherwise; both are inert.
GENERIC_ATTRIBUTES = {"lang", "title"}

# Elements no page of the site has of its own: each of them here came from a payload.
FOREIGN_ELEMENTS = {
    "applet", "audio", "base", "embed", "frame", "frameset", "iframe", "image", "isindex",
    "keygen", "listing", "marquee", "math", "noembed", "noframes", "object", "plaintext",
    "source", "style", "svg", "video", "x", "xmp", "xss",
}  # fmt: skip
URL_ATTRIBUTES = {
    "action", "background", "cite", "codebase", "data", "dynsrc", "formaction", "href",
    "longdesc", "lowsrc", "manifest", "ping", "poster", "src", "srcset", "xlink:href",
}  # fmt: skip
# What a browser drops from a URL before reading its scheme (WHATWG URL parsing): C0
# controls and spaces at either end, tabs and newlines anywhere ("java\tscript:").
TRIMMED_FROM_URLS = "".join(chr(code) for code in range(0x21))
REMOVED_FROM_URLS = re.compile(r"[\t\n\r]")
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:")
# Scripts a page may carry: the site's own modules from its static files, and data.
DATA_SCRIPT_TYPES = {"application/ld+json", "application/json"}


def parse_html(html):
    return BeautifulSoup(html, "html.parser")


def live_markup(html, allowed_elements=frozenset()):
    """Everything in `html` that a browser could run or that only a payload could have
    made, as readable strings; empty when the page is safe. `allowed_elements` are
    elements of `FOREIGN_ELEMENTS` the page has of its own (the browsable API's <style>)."""
    page = parse_html(html)
    found = []
    for element in page.find_all(True):
        name = element.name.lower()
        if name in FOREIGN_ELEMENTS - allowed_elements:
            found.append(f"<{name}> element: {str(element)[:120]}")
        if name == "script":
            found.extend(_script_problems(element))
        if name == "meta" and (
            element.get("http-equiv", "content-type").lower() != "content-type"
            or element.get("charset", "utf-8").lower() != "utf-8"
        ):
            found.append(f"<meta> from a payload: {element}")
        for attribute, value in element.attrs.items():
            attribute = attribute.lower()
            text = " ".join(value) if isinstance(value, list) else str(value)
            if attribute.startswith("on"):
                found.append(f"event handler {attribute}= on <{name}>: {text[:80]}")
            elif attribute == "srcdoc":
                found.append(f"srcdoc on <{name}>")
            elif attribute in URL_ATTRIBUTES and is_dangerous_url(text):
                found.append(f"{attribute}={text[:80]!r} on <{name}>")
            elif attribute == "style" and re.search(
                r"expression|url\s*\(|javascript|binding|behavior", text, re.IGNORECASE
            ):
                found.append(f"style={text[:80]!r} on <{name}>")
    return found


def _script_problems(script):
    kind = (script.get("type") or "").lower()
    if kind in DATA_SCRIPT_TYPES:
        raw = script.string or ""
        # The JSON is escaped so that nothing in it can end the element early.
        if "<" in raw:
            return [f"'<' inside a {kind} script: {raw[:120]}"]
        try:
            json.loads(raw)
        except ValueError:
            return [f"{kind} script is not JSON: {raw[:120]}"]
        return []
    src = script.get("src", "")
    if src.startswith("/static/") and not (script.string or "").strip():
        return []
    return [f"a script not of the site's own: {str(script)[:120]}"]


def url_as_browsers_read_it(value):
    return REMOVED_FROM_URLS.sub("", value.strip(TRIMMED_FROM_URLS)).lower()


def is_dangerous_url(value):
    return url_as_browsers_read_it(value).startswith(DANGEROUS_SCHEMES)


def assert_no_live_markup(html, where, allowed_elements=frozenset()):
    found = live_markup(html, allowed_elements)
    assert not found, f"{where}:\n" + "\n".join(found[:20])


def sanitized_body_problems(body_html):
    """What in a rendered article body the sanitizer's allow-list should have removed."""
    problems = []
    for element in parse_html(body_html).find_all(True):
        if element.name not in ALLOWED_TAGS:
            problems.append(f"<{element.name}> is not allowed")
        allowed = ALLOWED_ATTRIBUTES.get(element.name, set()) | GENERIC_ATTRIBUTES
        if element.name == "a":
            allowed = allowed | {"rel"}  # the sanitizer's own "noopener noreferrer nofollow"
        for attribute, value in element.attrs.items():
            if attribute.lower().startswith("on") or attribute not in allowed:
                problems.append(f"{attribute}= on <{element.name}> is not allowed")
            if attribute in {"href", "src"} and not is_allowed_url(value):
                problems.append(f"{attribute}={value!r} has a scheme outside the allow-list")
    return problems


URL_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def is_allowed_url(value):
    """Relative, or with one of the sanitizer's schemes."""
    if is_dangerous_url(value):
        return False
    scheme = URL_SCHEME.match(url_as_browsers_read_it(value))
    return scheme is None or scheme[1].lower() in URL_SCHEMES


def json_ld_blocks(html):
    """The JSON-LD of a page, parsed; fails on a block that is not JSON or that could
    end its <script> early."""
    blocks = []
    for script in parse_html(html).find_all("script", type="application/ld+json"):
        raw = script.string or ""
        assert "<" not in raw, f"JSON-LD that could close its script: {raw[:200]}"
        blocks.append(json.loads(raw))
    return blocks


def parse_xml(body):
    """A feed or sitemap as XML: fails unless it is well-formed."""
    return ET.fromstring(body)
