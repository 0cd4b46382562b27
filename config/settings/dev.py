"""Local development: DEBUG on unless the environment says otherwise, a throwaway secret key."""

import os

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("SECRET_KEY", "dev-only-insecure-key-never-used-in-production")
# No authenticator app needed to try the product locally; production and tests require 2FA.
os.environ.setdefault("TWO_FACTOR_REQUIRED", "0")

from .base import *  # noqa: F403

MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Template and content edits show at once: no shared-cache headers, no memo unless asked for.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", default=False)  # noqa: F405
MEMO_ENABLED = env_bool("MEMO", default=False)  # noqa: F405
