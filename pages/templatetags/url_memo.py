"""`{% url %}`, remembering what it reversed (installed as a builtin in settings), as
`project.reversing.reverse` does for code.

A page reverses thirty to fifty URLs (navigation, forms, API hooks for the scripts),
mostly the same ones on every page: about a tenth of an article page's render before
they were remembered.

Most of a page's `{% url %}` tags name a view and nothing else, or only literal
arguments (`{% url 'pages:home' %}`); such a node keeps its own answer beside the state
it was reversed in, and answers with it while a request's state is the same: a
comparison instead of building a key.
"""

import functools

from django import template
from django.template import defaulttags
from django.template.base import Variable
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import conditional_escape

from project import reversing

register = template.Library()


def _is_literal(expression):
    """Whether a tag argument is the same on every render: a quoted string or a number
    (`'pages:home'`, `0`), not a variable and with no filter."""
    value = expression.var
    if expression.filters:
        return False
    return not isinstance(value, Variable) or (value.lookups is None and not value.translate)


class RememberingURLNode(defaulttags.URLNode):
    # ((URLconf generation, reversing state, autoescape), answer) of a node whose view
    # name and arguments are all literals; None until its first render.
    _own_answer = None

    def render(self, context):
        if self.asvar is None and self._literal:
            state = (reversing.generation, _reversing_state(context), context.autoescape)
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
        if self.asvar or not reversing.is_stable(args, kwargs):
            return super().render(context)
        view_name = self.view_name.resolve(context)
        url = reversing.remembered_reverse(view_name, args, kwargs, *_reversing_state(context))
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
