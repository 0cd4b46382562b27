"""Production settings pass Django's deployment check and refuse to start half-configured."""

import os
import secrets
import subprocess
import sys

from django.conf import settings

import pytest

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "agora.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
}


def manage(*args, **env):
    # The browser tests allow async-unsafe ORM calls in-process; a deployment never does.
    unset = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environ = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check_with_no_findings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", **{**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = manage("check", **{**PRODUCTION, "ALLOWED_HOSTS": ""})
    assert result.returncode != 0 and "ALLOWED_HOSTS" in result.stderr


def test_debug_cannot_be_switched_on_in_production():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        **{**PRODUCTION, "DEBUG": "1"},
    )
    assert result.stdout.strip().endswith("False"), result.stderr


def test_hsts_is_off_until_the_operator_opts_in():
    code = "from django.conf import settings; print(settings.SECURE_HSTS_SECONDS)"
    assert manage("shell", "-c", code, **PRODUCTION).stdout.strip().endswith("0")
    opted = manage("shell", "-c", code, **{**PRODUCTION, "SECURE_HSTS_SECONDS": "31536000"})
    assert opted.stdout.strip().endswith("31536000")
    check = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **{**PRODUCTION, "SECURE_HSTS_SECONDS": "31536000"},
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_passwords_use_argon2_and_need_twelve_characters():
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher") or (
        # The test settings swap in a fast hasher; production keeps base's list.
        "MD5" in settings.PASSWORD_HASHERS[0]
    )
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password("short-pw-1")
    except ValidationError as error:
        assert any("at least 12" in message for message in error.messages)
    else:
        raise AssertionError("an 11-character password was accepted")


def test_sessions_are_kept_in_the_database():
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def start_production(secret_key):
    """Django set up with production settings and this key, as gunicorn would start it."""
    environ = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=settings.BASE_DIR,
        env={**environ, **PRODUCTION, "SECRET_KEY": secret_key},
        capture_output=True,
        text=True,
        timeout=120,
    )


def sample_secret_key():
    for line in (settings.BASE_DIR / ".env.example").read_text().splitlines():
        if line.startswith("SECRET_KEY="):
            return line.split("=", 1)[1]
    raise AssertionError(".env.example has no SECRET_KEY")


def test_production_refuses_to_start_with_the_sample_secret_key_from_env_example():
    result = start_production(sample_secret_key())
    assert result.returncode != 0 and "SECRET_KEY is weak" in result.stderr, result.stderr


@pytest.mark.parametrize(
    "weak_key",
    [
        "short-but-random-Qx7Tz",  # under 50 characters
        "django-insecure-" + "k3j4h5g6f7d8s9a0" * 3,  # Django's generated development key
        "please-change-me-" + "x1y2z3" * 8,
        "a" * 60,  # long, but guessable
    ],
)
def test_production_refuses_to_start_with_a_weak_secret_key(weak_key):
    result = start_production(weak_key)
    assert result.returncode != 0 and "SECRET_KEY is weak" in result.stderr, result.stderr


def test_production_starts_with_a_strong_secret_key():
    result = start_production(secrets.token_urlsafe(50))
    assert result.returncode == 0, result.stderr
