"""Gazette settings, read from the environment (twelve-factor).

Every variable is optional in development; with debug off the ones that would
be unsafe to guess (secret key, e-mail) must be set, or start-up stops with a
message that names them. The variables are listed in the README.
"""

import re
from datetime import timedelta
from pathlib import Path

import environ
from corsheaders.defaults import default_headers as cors_default_headers
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)

# --- Secrets -----------------------------------------------------------------

# Same limits that `manage.py check --deploy` applies (security.W009).
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5
SECRET_KEY_INSECURE_PREFIX = "django-insecure-"  # noqa: S105 - a prefix to refuse, not a key


def _production_secret_key(value):
    if not value:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off. Generate one with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(64))'"
        )
    if (
        len(value) < SECRET_KEY_MIN_LENGTH
        or len(set(value)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or value.startswith(SECRET_KEY_INSECURE_PREFIX)
    ):
        raise ImproperlyConfigured(
            f"DJANGO_SECRET_KEY is too weak for production: it needs at least "
            f"{SECRET_KEY_MIN_LENGTH} characters, {SECRET_KEY_MIN_UNIQUE_CHARACTERS} of them "
            f"different, and must not start with '{SECRET_KEY_INSECURE_PREFIX}'."
        )
    return value


if DEBUG:
    SECRET_KEY = env.str(
        "DJANGO_SECRET_KEY",
        default="django-insecure-development-only-key-never-use-in-production",
    )
else:
    SECRET_KEY = _production_secret_key(env.str("DJANGO_SECRET_KEY", default=""))

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
# Front-end origins allowed to call /api/ from a browser (django-cors-headers). They are
# trusted for CSRF too: a listed front end posting with the session needs both.
CORS_ALLOWED_ORIGINS = env.list("DJANGO_CORS_ALLOWED_ORIGINS", default=[])
CSRF_TRUSTED_ORIGINS = list(
    dict.fromkeys(env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[]) + CORS_ALLOWED_ORIGINS)
)
# How many proxies in front of the app append to X-Forwarded-For (nginx: 1). Throttling
# and sign-in rate limits take the client address from there, never trusting more.
NUM_PROXIES = env.int("DJANGO_NUM_PROXIES", default=0)

# Absolute base for links that leave the request: e-mails, feeds, sitemap, canonical URLs.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_NAME = "Gazette"

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "pages:home"

# --- Applications ------------------------------------------------------------

INSTALLED_APPS = [
    # Django's admin with a site that refuses NUL parameters (project/admin_site.py).
    "project.admin_site.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles so `runserver` serves static files the way production does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "corsheaders",
    "csp",
    "rest_framework",
    "pictures",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "rest_framework_simplejwt.token_blacklist",
    "allauth",
    "allauth.account",
    # dj-rest-auth's registration views import it; no social providers are offered.
    "allauth.socialaccount",
    "dj_rest_auth",
    "dj_rest_auth.registration",
    "simple_history",
    "content",
    "demo",
    "pages",
    "api",
    # After content, whose `db_worker` (the library's, with a heartbeat) takes its place.
    "django_tasks",
    "django_tasks_db",
    "django_rq",
]

MIDDLEWARE = [
    # First, so that every response under /api/ (errors included) gets its CORS headers.
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "project.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Visitors' cached answers and every read's 304, before sessions and authentication
    # (and after the security headers, which every answer gets): project/http_cache.py.
    "project.http_cache.HttpCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who saved: the revision history (django-simple-history) reads the request's user.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Last, the first to see a view's exception: renamed articles' old addresses.
    "project.redirects.ArticleMovedMiddleware",
]

ROOT_URLCONF = "project.urls"
WSGI_APPLICATION = "project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pages.context_processors.site",
            ],
        },
    },
]

AUTH_USER_MODEL = "content.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Database ----------------------------------------------------------------

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers write to one file. IMMEDIATE takes the write lock at
    # BEGIN, so a writer waits (up to `timeout` seconds) instead of failing midway
    # with "database is locked"; WAL lets readers carry on while one writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# Connections are kept between requests: opening one (and, for SQLite, running its
# PRAGMAs) costs more than the cached answer it would serve.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
# A health check before each request's first query: without it, a connection that died
# with the database fails the first request of its worker thread after the database is
# back (a 503). On PostgreSQL it asks the socket first (project/postgresql/base.py).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "project.postgresql"

# --- Cache and sessions ------------------------------------------------------

# The default cache is the one every process shares: rate-limit counts (DRF's throttles
# and allauth's limits, which always use the default cache) and, with Redis, sessions.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, with a per-process stand-in while Redis does not
            # answer: an outage costs sharing, never an answer (project/cache.py).
            "BACKEND": "project.cache.FallbackRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "gazette",
        }
    }
    # Sessions live in the shared cache, backed by the database so that a cache
    # flush (or outage) signs nobody out; every app server sees the same sessions.
    SESSION_ENGINE = "project.cached_sessions"
else:
    # diskcache's Django backend: SQLite files of its own in a folder every gunicorn
    # worker of this machine shares (with a cache per process the eleventh failed
    # sign-in went through on another worker), beside the database file as its -wal and
    # -shm are, so each database has its own counts. Not a table of the database (on
    # SQLite every counted request would take the write lock comments and likes wait
    # for), nor Django's FileBasedCache (a file replaced per write: ext4 flushes it to
    # disk, about 4 times the cost per request, README "The shared cache").
    CACHES = {
        "default": {
            "BACKEND": "diskcache.DjangoCache",
            "LOCATION": (
                f"{DATABASES['default']['NAME']}-cache"
                if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
                else str(BASE_DIR / "cache")
            ),
        }
    }
    # Django's database sessions, read with one plain query (project/signed_in.py).
    SESSION_ENGINE = "project.signed_in"

# Visitors' pages and public API reads (project/http_cache.py): stored per process,
# current while the content versions in the database say so. `PAGE_CACHE=off` renders
# every answer (the benchmark's render-cost runs); validators and 304s stay but in debug.
# Off in debug, where templates change under a running server and every answer must
# show the change (and no ETag may claim it did not).
PAGE_CACHE = env.bool("PAGE_CACHE", default=not DEBUG)
# What the views store by content version (content/versions.py `cached`): values such as
# a list's count, and public pages rendered for signed-in readers (and for everyone with
# PAGE_CACHE off), one per reader state (pages/views.py `render_cached`).
VIEW_CACHE = env.bool("VIEW_CACHE", default=not DEBUG)
# Both per process: a body fetched from Redis would cost a round trip, while being
# current is decided by the versions every server shares. The least used go first.
CACHES["pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "gazette-pages",
    # About 30 kB a page: at most some 60 MB per process.
    "OPTIONS": {"MAX_ENTRIES": env.int("PAGE_CACHE_MAX_ENTRIES", default=2000)},
}
CACHES["views"] = {
    "BACKEND": "django.core.cache.backends."
    + ("locmem.LocMemCache" if VIEW_CACHE else "dummy.DummyCache"),
    "LOCATION": "gazette-views",
    # Pages of about 30 kB among small values: at most some 60 MB per process.
    "OPTIONS": {"MAX_ENTRIES": env.int("VIEW_CACHE_MAX_ENTRIES", default=2000)},
}
# A copy unused this long is dropped even if still current.
PAGE_CACHE_TIMEOUT = 600
# How long nginx or a CDN may serve a visitor's answer without asking (`s-maxage`), and
# serve it stale while it refetches: the staleness an operator accepts for speed there.
PAGE_CACHE_SHARED_MAX_AGE = env.int("PAGE_CACHE_SHARED_MAX_AGE", default=10)
PAGE_CACHE_STALE_WHILE_REVALIDATE = env.int("PAGE_CACHE_STALE_WHILE_REVALIDATE", default=30)
# While the database does not answer, visitors still get the answers a process stored
# from the content versions it read at most this many seconds ago, marked stale
# (`Cache-Status`); everything else is a 503 (project/errors.py).
PAGE_CACHE_STALE_IF_ERROR = env.int("PAGE_CACHE_STALE_IF_ERROR", default=300)
# Names this release in the ETags (e.g. the git commit); by default a digest of the code.
RELEASE = env.str("GAZETTE_RELEASE", default="")

# --- E-mail ------------------------------------------------------------------

if DEBUG:
    _email = env.email_url("EMAIL_URL", default="consolemail://")
else:
    if not env.str("EMAIL_URL", default=""):
        raise ImproperlyConfigured(
            "EMAIL_URL is required when DJANGO_DEBUG is off, "
            "for example smtp+tls://user:password@smtp.example.com:587"
        )
    _email = env.email_url("EMAIL_URL")
# Every e-mail the site sends (allauth's included) is a task: the request that causes it
# only enqueues it once its transaction commits, and a worker delivers it through
# EMAIL_URL's backend, retrying a mail server that is down (project/mail.py).
EMAIL_BACKEND = "project.mail.QueuedEmailBackend"
EMAIL_DELIVERY_BACKEND = _email["EMAIL_BACKEND"]
# Seconds for each step of a delivery (connect, each reply), so a stalled mail server
# holds a worker for a bounded time, never a request.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# Seconds to wait before each new attempt of a failed delivery; after the last, the
# failure stays in the task list for staff (admin: Tasks).
EMAIL_RETRY_DELAYS = env.list(
    "EMAIL_RETRY_DELAYS", cast=float, default=[10, 60, 300, 1800, 7200, 21600]
)
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Gazette <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Tasks -------------------------------------------------------------------

# django-tasks (Django's tasks API, backported). `database` (the default, also with
# Redis): a table of the site's own database, so a task is stored in the same
# transaction as the write that causes it, and `python manage.py db_worker` runs it.
# `rq`: Redis queues through django-tasks-rq, run by `python manage.py rqworker
# --with-scheduler --job-class django_tasks_rq.Job` (the scheduler runs the delayed
# retries). `immediate`: run in the request (no worker; tests, scripts). README "Tasks".
TASK_BACKEND = env.str("TASK_BACKEND", default="database")
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "rq": "django_tasks_rq.RQBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[TASK_BACKEND]
    }
}
if TASK_BACKEND == "rq":
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
# A task RUNNING longer than this (seconds) is taken to belong to a dead worker and is
# put back in the queue (content/task_worker.py): well above the longest task, an
# e-mail's few EMAIL_TIMEOUT steps. /readyz answers 503 when no worker of the queue has
# been seen for TASK_WORKER_SILENCE seconds.
TASK_LEASE = env.float("TASK_LEASE", default=300)
TASK_WORKER_SILENCE = env.float("TASK_WORKER_SILENCE", default=60)

# Seconds a comment's e-mail waits, so that a burst of replies to one reader goes out
# as one e-mail (content/notifications.py).
NOTIFICATION_DELAY = env.int("NOTIFICATION_DELAY", default=120)

# --- Passwords ---------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Accounts and authentication ----------------------------------------------
# Pages use django-allauth's views; the API uses dj-rest-auth on top of the same allauth
# rules (adapter, forms, tokens). See README "Accounts and authentication".

AUTHENTICATION_BACKENDS = [
    # Django's and allauth's, loading the user with one plain query (project/signed_in.py).
    "project.signed_in.ModelBackend",  # admin and tests' force_login
    "project.signed_in.AuthenticationBackend",  # e-mail or username
]
ACCOUNT_ADAPTER = "content.accounts.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_PREVENT_ENUMERATION = True
# A new address waits beside the old one until it is verified, then replaces it
# (user.email stays the old one until then); the old address is told of the change, and
# of a changed password.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None  # a "Remember me" box on the sign-in page
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = SITE_URL.split("://", 1)[0]
ACCOUNT_LOGOUT_REDIRECT_URL = "pages:home"
# allauth's own limits on the pages, per address and per account, in the shared cache.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
}
ALLAUTH_TRUSTED_PROXY_COUNT = NUM_PROXIES
SOCIALACCOUNT_PROVIDERS = {}

REST_AUTH = {
    "USE_JWT": True,
    "TOKEN_MODEL": None,  # JWT instead of DRF's database tokens
    # The access and refresh tokens go in the response body, for clients that send them
    # back in `Authorization: Bearer`; there are no JWT cookies (so no CSRF gap).
    "JWT_AUTH_COOKIE": None,
    "JWT_AUTH_REFRESH_COOKIE": None,
    "JWT_AUTH_HTTPONLY": False,
    "SESSION_LOGIN": True,
    "OLD_PASSWORD_FIELD_ENABLED": True,
    "LOGOUT_ON_PASSWORD_CHANGE": False,
    "USER_DETAILS_SERIALIZER": "api.auth_serializers.UserDetailsSerializer",
    "PASSWORD_RESET_SERIALIZER": "api.auth_serializers.PasswordResetSerializer",
    "REGISTER_SERIALIZER": "api.auth_serializers.RegisterSerializer",
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=5),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=7),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "AUTH_HEADER_TYPES": ("Bearer",),
    # Tokens carry a hash of the password: a changed password ends access tokens at once
    # (refresh tokens are blacklisted, content/sessions.py).
    "CHECK_REVOKE_TOKEN": True,
}

# The CSRF token reaches the page's JavaScript through a <meta> tag, so the cookie
# never needs to be readable by scripts.
CSRF_COOKIE_HTTPONLY = True

# --- HTTPS, cookies and security headers ----------------------------------------
# Production is the site at an https SITE_URL with debug off: there, plain http is
# redirected, browsers are told to use https for a year (HSTS), and cookies go over
# https only. A production-like run on plain http (make serve, the quality gates, the
# benchmark) has an http SITE_URL, so its cookies still work and nothing redirects.

SITE_IS_HTTPS = SITE_URL.startswith("https://")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=SITE_IS_HTTPS and not DEBUG)
# Behind a proxy that terminates TLS, Django sees plain http unless told which header
# the proxy sets (e.g. X-Forwarded-Proto: https). Trusting it is only safe when the proxy
# always sets it itself, so it is off unless named.
_proxy_ssl_header = env.str("DJANGO_SECURE_PROXY_SSL_HEADER", default="")
if _proxy_ssl_header:
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + _proxy_ssl_header.upper().replace("-", "_"),
        "https",
    )
# Browsers only honour HSTS over https, and Django only sends it there.
SECURE_HSTS_SECONDS = env.int(
    "DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 60 * 60
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preloading binds the domain and every subdomain to https in browsers for months, and
# undoing it is slow: the operator opts in, so the check that asks for it stays quiet.
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

SESSION_COOKIE_SECURE = SITE_IS_HTTPS
CSRF_COOKIE_SECURE = SITE_IS_HTTPS
SESSION_COOKIE_HTTPONLY = True
# Lax: the cookies go with top-level navigations from other sites (a link to an article
# keeps the reader signed in), never with their forms' POSTs or their fetches.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Our responses are for our own pages. CORS requests from DJANGO_CORS_ALLOWED_ORIGINS are
# not affected (the resource policy applies to no-cors loads such as <img> and <script>).
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
# Browser features no page of the site uses, denied to it and to anything it embeds.
PERMISSIONS_POLICY = [
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "usb",
    "xr-spatial-tracking",
]

# Content-Security-Policy (django-csp). Scripts only from our own files: the site's ES
# modules, the admin's, Swagger UI's (the split view serves its start-up script as a
# file). `<script type="application/ld+json">` and json_script blocks are data, never run.
# Styles from our own files; the two third-party pages with one inline <style> block
# (Swagger UI's page, the browsable API's code colours) give it the request's nonce in
# their template overrides, so the nonce appears only on those responses. Images may
# come from any https host: article bodies embed them by URL; data: images are the icons
# inside Swagger UI's and the admin's stylesheets.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "https:", "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Comment moderation ----------------------------------------------------------

# Open reports from this many distinct readers hide a comment until a moderator decides.
COMMENT_REPORTS_TO_HIDE = env.int("COMMENT_REPORTS_TO_HIDE", default=3)
# A comment with more links than this from an account younger than NEW_ACCOUNT_DAYS
# waits for a moderator before readers see it.
COMMENT_MAX_LINKS_NEW_ACCOUNT = env.int("COMMENT_MAX_LINKS_NEW_ACCOUNT", default=2)
NEW_ACCOUNT_DAYS = env.int("NEW_ACCOUNT_DAYS", default=7)

# The reader's data (content/account_data.py, README "Accounts and authentication"): an
# export is offered for this many days, and one can be started once per interval
# (seconds). A deleted reader's comments stay as "deleted reader" ("keep") or go
# ("remove"); the mailed link that deletes an account without a password lasts this long.
ACCOUNT_EXPORT_DAYS = env.int("ACCOUNT_EXPORT_DAYS", default=7)
ACCOUNT_EXPORT_INTERVAL = env.int("ACCOUNT_EXPORT_INTERVAL", default=24 * 60 * 60)
ACCOUNT_DELETION_COMMENTS = env.str("ACCOUNT_DELETION_COMMENTS", default="keep")
if ACCOUNT_DELETION_COMMENTS not in ("keep", "remove"):
    raise ImproperlyConfigured('ACCOUNT_DELETION_COMMENTS must be "keep" or "remove".')
ACCOUNT_DELETION_LINK_HOURS = env.int("ACCOUNT_DELETION_LINK_HOURS", default=24)

# --- JSON API (Django REST Framework) -----------------------------------------


def _throttle_rate(variable, default):
    """A DRF rate such as `100/min` from the environment; a typo stops start-up instead
    of failing the first request it would apply to."""
    value = env.str(variable, default=default)
    if not re.fullmatch(r"[1-9][0-9]*/(s|sec|m|min|h|hour|d|day)", value):
        raise ImproperlyConfigured(
            f"{variable} must look like 100/min (a number, then s, min, hour or day); got {value!r}"
        )
    return value


AUTH_THROTTLE_RATE = env.str("AUTH_THROTTLE_RATE", default="10/min")
# Every API request, per client address (anonymous) or per user (signed in); posting
# comments has its own, stricter rate. Counted in the default cache (Redis when set).
ANON_THROTTLE_RATE = _throttle_rate("ANON_THROTTLE_RATE", "100/min")
USER_THROTTLE_RATE = _throttle_rate("USER_THROTTLE_RATE", "200/min")
COMMENT_THROTTLE_RATE = _throttle_rate("COMMENT_THROTTLE_RATE", "5/min")
# Posting comments and reporting them count per account and per address, on the pages
# and in the API alike (content/ratelimits.py).
REPORT_THROTTLE_RATE = _throttle_rate("REPORT_THROTTLE_RATE", "10/hour")
REST_FRAMEWORK = {
    # JWT first: its WWW-Authenticate header makes refusals 401 rather than 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.AnonymousRateThrottle",
        "api.throttling.SignedInRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": ANON_THROTTLE_RATE,
        "user": USER_THROTTLE_RATE,
        "comments": COMMENT_THROTTLE_RATE,
        "reports": REPORT_THROTTLE_RATE,
        "auth_address": AUTH_THROTTLE_RATE,
        "auth_account": AUTH_THROTTLE_RATE,
    },
    # One JSON error shape for every API error (api/exceptions.py).
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    # JSON bodies only, on every endpoint (auth included): one request media type in the
    # schema, and no body a cross-site HTML form can send without a CORS preflight. The
    # parser refuses too deep nesting with a 400.
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Gazette API",
    "VERSION": "1",
    "DESCRIPTION": (BASE_DIR / "api" / "description.md").read_text(encoding="utf-8"),
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Separate request and response components, so read-only fields are not asked for
    # and write-only fields are not promised.
    "COMPONENT_SPLIT_REQUEST": True,
    "PATH_CONVERTER_OVERRIDES": {
        "slug": {"type": "string", "pattern": r"^[-a-zA-Z0-9_]+$"},
        "username": {"type": "string", "pattern": r"^[\w.@+-]+$"},
    },
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
    "ENUM_NAME_OVERRIDES": {"ArticleStateEnum": "api.serializers.ARTICLE_STATES"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.complete_schema",
    ],
    # Swagger UI from our own static files: no CDN, no third-party script.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_CREDENTIALS = True
# Creating endpoints take an Idempotency-Key and mark a repeated answer (api/idempotency.py);
# staff change an article with If-Match, from the ETag of its last answer.
CORS_ALLOW_HEADERS = (*cors_default_headers, "idempotency-key", "if-match")
CORS_EXPOSE_HEADERS = ["Idempotent-Replayed", "ETag", "Location"]

# --- Internationalisation ----------------------------------------------------

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media files --------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=DEBUG)
# Cover uploads: refused above these (content/pictures.py); pixels guard against bombs.
COVER_MAX_BYTES = 10 * 2**20
COVER_MAX_PIXELS = 40_000_000
# Renditions 400/800/1200/1600 px wide (4 columns of 1600, one density), made in the
# worker (content.pictures.queue_renditions), never placeholders.
PICTURES = {
    "CONTAINER_WIDTH": 1600,
    "GRID_COLUMNS": 4,
    "PIXEL_DENSITIES": [1],
    "BREAKPOINTS": {"s": 768, "m": 992, "l": 1200},
    "FILE_TYPES": ["AVIF", "WEBP", "JPEG"],
    "USE_PLACEHOLDERS": False,
    "PROCESSOR": "content.pictures.queue_renditions",
}

# Source maps are for developer tools, not readers: compressing the vendored ones
# (Swagger UI's, several MB) with brotli would triple `collectstatic`'s time.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (
    *Compressor.SKIP_COMPRESS_EXTENSIONS,
    "map",
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names (cacheable forever, module imports included) with gzip and brotli
    # copies, served by whitenoise.
    "staticfiles": {"BACKEND": "project.storage.StaticFilesStorage"},
}

# --- Logging -----------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {
        "readiness_is_no_error": {"()": "project.health.ReadinessIsNoError"},
        "database_outage_once": {"()": "project.errors.DatabaseOutageOncePerInterval"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.request": {"filters": ["readiness_is_no_error", "database_outage_once"]}},
}
