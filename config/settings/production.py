"""Production: debug off, secrets and hosts from the environment, HTTPS everywhere.

Passes `manage.py check --deploy --fail-level WARNING`. Opt-ins from the environment:
SECURE_HSTS_SECONDS (0 = off until you are sure every subdomain is HTTPS),
BEHIND_PROXY=1 when a reverse proxy terminates TLS and sets X-Forwarded-Proto,
TRUSTED_PROXY_COUNT for the client address behind proxies (see base.py).
"""

import os

os.environ["DEBUG"] = "0"

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool, env_list

if not os.environ.get("SECRET_KEY"):
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment.")
# A guessable key signs sessions, password-reset and review links: the sample from .env.example,
# Django's generated development keys and anything short are refused, not just warned about.
_key = os.environ["SECRET_KEY"]
if (
    len(_key) < 50
    or len(set(_key)) < 5
    or any(word in _key.lower() for word in ("change-me", "changeme", "insecure"))
):
    raise ImproperlyConfigured(
        "SECRET_KEY is weak (shorter than 50 characters or a placeholder): set one from "
        'python -c "import secrets; print(secrets.token_urlsafe(50))".'
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the site's host names.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
# HSTS is a promise browsers keep for max-age, and the preload list one that is hard to take
# back: the operator opts in to each deliberately, so their absence is not a finding.
SILENCED_SYSTEM_CHECKS = []
if not SECURE_HSTS_SECONDS:
    SILENCED_SYSTEM_CHECKS.append("security.W004")
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS.append("security.W021")
if env_bool("BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60"))  # noqa: F405
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", f"https://{ALLOWED_HOSTS[0]}")
