"""Settings shared by every environment. Everything that differs per deployment comes from the
environment: DATABASE_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS."""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and not DEBUG:
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

INSTALLED_APPS = [
    "taxonomy",
    "security",
    "core",
    "experts",
    "publications",
    "editorial",
    "intake",
    "discovery",
    "planning",
    "sitesettings",
    "pagecache",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.api.v2",
    "rest_framework",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # recovery codes
    "axes",
]

MIDDLEWARE = [
    "config.resilience.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.resilience.DatabaseUnavailableMiddleware",
    "config.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside sessions: it sees the Vary and cookies they add, and marks the response for the
    # caching proxy (shared) or not (private) accordingly.
    "pagecache.middleware.EdgeCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "security.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "security.throttles.LoginThrottleMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "publications.context_processors.site_sections",
                "sitesettings.context_processors.site_identity",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # Wagtail search's PostgreSQL index (GIN) needs it.
    INSTALLED_APPS.append("django.contrib.postgres")
    # No JIT: it compiles any query the planner thinks costly, which for our page queries takes
    # far longer (a second and more at 100,000 commentaries) than running them.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE write transactions serialise writers up front instead of failing mid-way;
    # the scheduler relies on it to publish each item once (see editorial/scheduler.py).
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set. A Redis outage must not break a page: errors are ignored
# (a miss), with short timeouts so a dead Redis costs milliseconds, not seconds.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "agora")


def redis_cache(prefix, **options):
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": prefix,
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2, **options},
    }


if REDIS_URL:
    CACHES = {"default": redis_cache(CACHE_KEY_PREFIX, IGNORE_EXCEPTIONS=True)}
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# What the caching proxy may keep (pagecache/middleware.py, docs/performance.md): anonymous,
# public responses get `Cache-Control: public, s-maxage=PAGE_CACHE_SECONDS` and their cache
# tags; browsers keep them PAGE_CACHE_BROWSER_SECONDS at most. The application keeps no pages.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", default=True)
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "3600"))
PAGE_CACHE_BROWSER_SECONDS = int(os.environ.get("PAGE_CACHE_BROWSER_SECONDS", "30"))
# Left out of the decision (and stripped by the proxy): they never change the page.
PAGE_CACHE_IGNORED_PARAMETERS = ("utm_", "fbclid", "gclid", "msclkid")
# Query parameters of views that render no filters into their context (the middleware reads
# the listings' and search's from their filters); None: the view answers 400 to any other.
_FEED_FILTERS = ("expert", "region", "competence", "year")
PAGE_CACHE_QUERY_PARAMETERS = {
    "discovery:publications-feed-rss": _FEED_FILTERS,
    "discovery:publications-feed-atom": _FEED_FILTERS,
    "wagtailapi:*": None,
    "discovery:sitemap-section": ("p",),  # a section's files
}
# The public API has no sign-in (docs/api.md): no authenticator, so a request never opens the
# session and Django adds no `Vary: Cookie`, which would keep every response out of the proxy.
# (Wagtail's admin API names its own session authentication.)
REST_FRAMEWORK = {"DEFAULT_AUTHENTICATION_CLASSES": []}
# Site search ranks at most this many matches, the most recently added (discovery/search.py).
SEARCH_CANDIDATES = int(os.environ.get("SEARCH_CANDIDATES", "200"))

# Figures and fragments derived from published content (facet counts, cards, {% publishedcache %}),
# kept under the database's publish generation and the release (pagecache/memo.py): a publish
# makes every older value unreachable; an unreachable store means computing, never stale.
MEMO_ENABLED = env_bool("MEMO", default=True)
MEMO_CACHE_ALIAS = "memo"
MEMO_SECONDS = int(os.environ.get("MEMO_SECONDS", "86400"))
if REDIS_URL:
    CACHES[MEMO_CACHE_ALIAS] = redis_cache(f"{CACHE_KEY_PREFIX}-memo")
else:  # per process: correct all the same, the key carries the generation
    CACHES[MEMO_CACHE_ALIAS] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "memo",
    }
# Which code computed a memoised value: a deploy never reads what the last release kept.
RELEASE_ID = os.environ.get("RELEASE_ID", "")

# The caching proxy in front of gunicorn (deploy/varnish/default.vcl), purged by tag through
# Wagtail's frontend cache (pagecache/frontend.py); purges are recorded in the publishing
# transaction and retried by the scheduler worker until the proxy acknowledges them.
VARNISH_URL = os.environ.get("VARNISH_URL", "")
if VARNISH_URL:
    WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "pagecache.frontend.TagBanBackend",
            "LOCATION": VARNISH_URL,
            "TIMEOUT": 2,
        }
    }

# Argon2 first: new and re-hashed passwords use it; older hashes still verify.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out logins before checking them
    "security.throttles.UsernameThrottleBackend",  # slows one username tried from many places
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions live in the database: a cache outage logs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy: enforced on the public site, report-only on the admin (config/csp.py).
# No inline script or style on public pages; scripts need the per-request nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    # Violations (enforced here, reported on the admin) reach config/csp_reports.py.
    "report-uri": ["/csp-report/"],
}

# Login protection: 5 failures per hour for one username from one address locks that pair out.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "security/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
# Behind a trusted proxy (TRUSTED_PROXY_COUNT > 0) the client address comes from
# X-Forwarded-For, counting that many proxies from the right; otherwise REMOTE_ADDR only
# (security/client_ip.py). Without it axes keyed on REMOTE_ADDR: behind Varnish every client was
# one address, and five wrong passwords locked the real user out from everywhere.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "security.client_ip.client_ip"

# Throttles across addresses (security/throttles.py, docs/security.md), counted in the default
# cache, per fixed window. login-username: failures from browsers that never signed in to the
# account, then 429 until the window ends (a browser that signed in before is exempt).
# Reset mails: per address asked for (over it, the same reply and no mail) and per client (429).
# Private-page passwords: wrong guesses per client and restriction, and per restriction.
THROTTLE_RATES = {
    "login-username": os.environ.get("LOGIN_USERNAME_RATE", "10/15m"),
    "password-reset-email": "3/h",
    "password-reset-ip": "10/h",
    "page-password-ip": "10/15m",
    "page-password-restriction": "100/h",
}
KNOWN_DEVICE_DAYS = 180
RATELIMIT_USE_CACHE = "default"
RATELIMIT_FAIL_OPEN = True

# Two-factor authentication (TOTP, security/two_factor.py): required for superusers and the
# editor-in-chief, available to everyone else. TWO_FACTOR_REQUIRED=0 only for local trials.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", default=True)
OTP_TOTP_ISSUER = os.environ.get("SITE_NAME", "Agora")

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Complex page forms (bylines, tags, StreamField) exceed Django's default field limit.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

WAGTAIL_SITE_NAME = os.environ.get("SITE_NAME", "Agora")

# Editorial workflow (editorial/): an edit after approval starts the review again; only the people
# concerned are notified.
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
WAGTAIL_FINISH_WORKFLOW_ACTION = "editorial.workflow.publish_approved"
WAGTAILADMIN_COMMENTS_ENABLED = True
WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = False
WAGTAILADMIN_NOTIFICATION_USE_HTML = True
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Agora <noreply@localhost>")
WAGTAILADMIN_NOTIFICATION_FROM_EMAIL = DEFAULT_FROM_EMAIL
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("EMAIL_PORT", "25")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS"),
        },
    }
}
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Uploads: an allow-list of document types, a size cap, no SVG images (they can carry script);
# documents go through Wagtail's serve view, which checks privacy and sets safe headers.
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Private pages and collections: login or group restrictions only, no shared passwords.
WAGTAIL_PRIVATE_PAGE_OPTIONS = {"SHARED_PASSWORD": False}
WAGTAILDOCS_PRIVATE_COLLECTION_OPTIONS = {"SHARED_PASSWORD": False}
# Tags on commentaries and experts come only from the two controlled vocabularies.
TAGGIT_CASE_INSENSITIVE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Per-task and per-page chatter; errors still show.
    "loggers": {
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": os.environ.get("WAGTAIL_LOG_LEVEL", "WARNING")},
    },
}

# Read-only API (discovery/api.py): pages of at most 50 items (20 with bodies, offset at most
# 10,000, set there); its search is off, the site's own /search/ cleans queries first.
WAGTAILAPI_LIMIT_MAX = 50
WAGTAILAPI_SEARCH_ENABLED = False
