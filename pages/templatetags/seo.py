import json
from datetime import UTC

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from pages.seo import page_url

register = template.Library()

# The characters that could end or confuse a <script> element, as JSON escapes
# (the same set Django's `json_script` escapes).
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def ld_json(data):
    """A JSON-LD <script> for `data`; nothing in the data can close the element."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308


@register.simple_tag
def page_link(path, number, query=None):
    """The address of page `number` of the list at `path` (with `query` kept)."""
    return page_url(path, number, **(query or {}))


@register.filter
def machine_time(moment):
    """A datetime as HTML's `datetime` attribute wants it: UTC, whole seconds."""
    if not moment:
        return ""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
