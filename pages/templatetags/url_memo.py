"""`{% url %}`, remembering what it reversed (installed as a builtin in settings).

A page reverses thirty to fifty URLs (navigation, forms, API hooks for the scripts),
mostly the same ones on every page, and `reverse()` is among the slowest things a
template does: about a tenth of an article page's render. What a name and its arguments
reverse to can only change with the URLconf, the script prefix or the current app, so
those are part of the key and the answer is kept for the life of the process.

Most of a page's `{% url %}` tags name a view and nothing else, or only literal
arguments (`{% url 'pages:home' %}`); such a node keeps its own answer beside the state
it was reversed in, and answers with it while a request's state is the same: a
comparison instead of building a key.
"""

import functools

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaulttags
from django.template.base import Variable
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()

# Distinct (name, arguments) pairs kept: every article's own links count, so bound it.
MAX_REMEMBERED_URLS = 8192

# Arguments of these types reverse to the same string every time; anything else (a model
# instance, a lazy string) is reversed afresh.
STABLE_ARGUMENT_TYPES = (str, int)


@functools.lru_cache(maxsize=MAX_REMEMBERED_URLS)
def _remembered_reverse(view_name, args, kwargs, current_app, script_prefix, urlconf):
    # `script_prefix` is only part of the key: reverse() reads the same prefix itself.
    return reverse(
        view_name, urlconf=urlconf, args=args, kwargs=dict(kwargs), current_app=current_app
    )


@receiver(setting_changed)
def _forget_on_new_urlconf(setting, **kwargs):
    # Tests override ROOT_URLCONF; a request's own `urlconf` is in the key already.
    if setting == "ROOT_URLCONF":
        _remembered_reverse.cache_clear()
        RememberingURLNode.generation += 1


def _is_literal(expression):
    """Whether a tag argument is the same on every render: a quoted string or a number
    (`'pages:home'`, `0`), not a variable and with no filter."""
    value = expression.var
    if expression.filters:
        return False
    return not isinstance(value, Variable) or (value.lookups is None and not value.translate)


class RememberingURLNode(defaulttags.URLNode):
    # Bumped to make every node's own answer stale (a new ROOT_URLCONF).
    generation = 0
    # (generation, reversing state, autoescape, answer) of a node whose view name and
    # arguments are all literals; None until its first render.
    _own_answer = None

    def render(self, context):
        if self.asvar is None and self._literal:
            state = (self.generation, _reversing_state(context), context.autoescape)
            own = self._own_answer
            if own is not None and own[0] == state:
                return own[1]
            answer = self._render_remembered(context)
            self._own_answer = (state, answer)  # one tuple: atomic for other threads
            return answer
        return self._render_remembered(context)

    @functools.cached_property
    def _literal(self):
        expressions = [self.view_name, *self.args, *self.kwargs.values()]
        return all(map(_is_literal, expressions))

    def _render_remembered(self, context):
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = tuple(sorted((k, v.resolve(context)) for k, v in self.kwargs.items()))
        stable = all(type(value) in STABLE_ARGUMENT_TYPES for value in args) and all(
            type(value) in STABLE_ARGUMENT_TYPES for _, value in kwargs
        )
        if not stable or self.asvar:
            return super().render(context)
        view_name = self.view_name.resolve(context)
        url = _remembered_reverse(view_name, args, kwargs, *_reversing_state(context))
        return conditional_escape(url) if context.autoescape else url


def _reversing_state(context):
    """(current app, script prefix, URLconf): what else decides what a name reverses to,
    read once per request (reading them is a good part of the cost of a `{% url %}`)."""
    request = getattr(context, "request", None)
    if request is None:
        return _current_app(request), get_script_prefix(), get_urlconf()
    state = getattr(request, "_reversing_state", None)
    if state is None:
        state = request._reversing_state = (
            _current_app(request),
            get_script_prefix(),
            get_urlconf(),
        )
    return state


def _current_app(request):
    # As URLNode decides it: the request's current_app, else the resolved namespace.
    current_app = getattr(request, "current_app", _UNSET)
    if current_app is _UNSET:
        current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
    return current_app


_UNSET = object()


@register.tag
def url(parser, token):
    node = defaulttags.url(parser, token)
    node.__class__ = RememberingURLNode
    return node
