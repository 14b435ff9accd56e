"""`reverse()`, remembering what it reversed: for views, models and serializers, and for
`{% url %}` (pages/templatetags/url_memo.py).

A rendered page or API answer reverses dozens of addresses, mostly the same ones every
time, and Django's `reverse()` is among the slowest things either does (a list page's
four took a twentieth of its time). What a name and its arguments reverse to can only
change with the URLconf, the script prefix or the current app, so those are part of the
key and the answer is kept for the life of the process; a new ROOT_URLCONF (tests)
forgets everything.
"""

import functools

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse

# Distinct (name, arguments) pairs kept: every article's own links count, so bound it.
MAX_REMEMBERED_URLS = 8192

# Arguments of these types reverse to the same string every time; anything else (a model
# instance, a lazy string) is reversed afresh.
STABLE_ARGUMENT_TYPES = (str, int)


@functools.lru_cache(maxsize=MAX_REMEMBERED_URLS)
def remembered_reverse(view_name, args, kwargs, current_app, script_prefix, urlconf):
    """Django's answer for `view_name` with `args` (a tuple) and `kwargs` (sorted pairs).
    `script_prefix` is only part of the key: Django reads the same prefix itself."""
    return django_reverse(
        view_name, urlconf=urlconf, args=args, kwargs=dict(kwargs), current_app=current_app
    )


def is_stable(args, kwargs):
    """Whether `args` and `kwargs` (sorted pairs) may be part of a remembered key."""
    return all(type(value) in STABLE_ARGUMENT_TYPES for value in args) and all(
        type(value) in STABLE_ARGUMENT_TYPES for _, value in kwargs
    )


def reverse(viewname, urlconf=None, args=None, kwargs=None, current_app=None, **more):
    """As `django.urls.reverse`; remembered for a view's name with string and integer
    arguments, and Django's own call for anything else (`query`, `fragment` included)."""
    args = tuple(args or ())
    pairs = tuple(sorted((kwargs or {}).items()))
    if more or not isinstance(viewname, str) or not is_stable(args, pairs):
        return django_reverse(viewname, urlconf, args or None, kwargs, current_app, **more)
    if urlconf is None:
        urlconf = get_urlconf()
    return remembered_reverse(viewname, args, pairs, current_app, get_script_prefix(), urlconf)


# Bumped with every new ROOT_URLCONF, for what keeps its own answers (url_memo's nodes).
generation = 0


@receiver(setting_changed)
def _forget_on_new_urlconf(setting, **kwargs):
    # Tests override ROOT_URLCONF; a request's own `urlconf` is in the key already.
    global generation
    if setting == "ROOT_URLCONF":
        remembered_reverse.cache_clear()
        generation += 1
