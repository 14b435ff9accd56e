"""`{% load static_memo %}`: Django's `static` library, with a `{% static %}` that
remembers the addresses it made.

Every page names the same few files (base.html), and the manifest lookup behind each
(hashed name, URL joining and quoting) costs as much as a `{% url %}`. What a path maps
to can only change with the storage or its settings, which tests override: those clear
the memo. (Installing it under Django's own name `static`, for every template, would
make two libraries of one name, which Django's checks refuse.)
"""

import functools

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags import static as django_static

register = template.Library()
register.tag("get_static_prefix", django_static.get_static_prefix)
register.tag("get_media_prefix", django_static.get_media_prefix)

# Distinct paths kept: templates name a few dozen files; bound it all the same.
MAX_REMEMBERED_PATHS = 1024

# The manifest storage names unhashed files in debug.
SETTINGS_THAT_MOVE_FILES = {"STATIC_URL", "STORAGES", "STATIC_ROOT", "STATICFILES_DIRS", "DEBUG"}


@functools.lru_cache(maxsize=MAX_REMEMBERED_PATHS)
def _remembered_url(path):
    return django_static.StaticNode.handle_simple(path)


@receiver(setting_changed)
def _forget_on_new_storage(setting, **kwargs):
    if setting in SETTINGS_THAT_MOVE_FILES:
        _remembered_url.cache_clear()


class RememberingStaticNode(django_static.StaticNode):
    @classmethod
    def handle_simple(cls, path):
        return static(path)


@register.tag("static")
def do_static(parser, token):
    """As Django's `{% static 'css/site.css' %}` and `{% static path as name %}`."""
    return RememberingStaticNode.handle_token(parser, token)


def static(path):
    """As `django.templatetags.static.static`: the address of the static file `path`."""
    if not isinstance(path, str):  # a lazy string: not a key to keep
        return django_static.StaticNode.handle_simple(path)
    return _remembered_url(path)
