"""A new server process's first requests, made before any reader's.

Measured on the 2-core machine (cProfile of a fresh process, README "Deploys"): loading
the WSGI application costs about 1.2 s of CPU (Django's set-up, the apps' imports,
drf-spectacular alone 0.45 s, the middleware), and each process's first requests about
0.5 s more, done lazily once per process: importing the URLconf and filling the reverse
URL table (0.2 s), compiling the templates (0.1 s), the release digest (0.01 s).
gunicorn stops the old workers as soon as it has forked the new ones, so four new
workers paying those 1.7 s at once on two cores left nobody to answer for 4 to 9 s.

deploy/gunicorn.conf.py loads the application once in the master (`preload_app`) and
calls `warm_up` there, so every worker it forks, after a `SIGHUP` or a crash, answers at
once.
"""

import functools
import io
import sys
import urllib.parse
from wsgiref.util import setup_testing_defaults

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connections

from content.models import Article

# One of each kind of answer: the URLconf (any path), the pages and their templates
# (with the newest article's), the API's JSON renderer.
PATHS = {"/healthz": "application/json", "/": "text/html", "/api/v1/articles/": "application/json"}


def warm_up(application):
    """Ask `application` for one page of each kind, as a reader would at `SITE_URL`
    (its host is allowed and its scheme is not redirected), then close the connections
    they opened: processes forked from this one must open their own. Return
    {path: status line}; a failing dependency only leaves that path cold."""
    site = urllib.parse.urlsplit(settings.SITE_URL)
    statuses = {}
    try:
        for path, accept in {**PATHS, **_newest_article_page()}.items():
            environ = {
                "PATH_INFO": path,
                "HTTP_HOST": site.netloc,
                "HTTP_ACCEPT": accept,
                "wsgi.url_scheme": site.scheme,
                "wsgi.input": io.BytesIO(),
                "wsgi.errors": sys.stderr,
            }
            setup_testing_defaults(environ)
            answer = application(environ, functools.partial(_keep_status, statuses, path))
            try:
                b"".join(answer)
            finally:
                answer.close()
    finally:
        connections.close_all()
        for cache in caches.all(initialized_only=True):
            cache.close()
    return statuses


def _newest_article_page():
    try:
        article = Article.objects.published().newest_first().first()
    except DatabaseError:
        return {}  # not reachable yet: the pages warm up on their first readers
    return {article.get_absolute_url(): "text/html"} if article else {}


def _keep_status(statuses, path, status, headers, exc_info=None):
    statuses[path] = status
