"""Development logins: generated passwords, kept in an ignored local file, printed on start."""

import json
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from editorial.roles import AUTHORS, EDITOR_IN_CHIEF, EDITORS

CREDENTIALS_FILE = settings.BASE_DIR / ".local" / "credentials.json"


def generated_password():
    return secrets.token_urlsafe(12)


class Command(BaseCommand):
    help = "Create the development logins if missing and print how to sign in (DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000")

    def handle(self, *args, url, **options):
        if not settings.DEBUG:
            raise CommandError("dev_logins only runs with DEBUG on; it prints passwords.")
        stored = {}
        if CREDENTIALS_FILE.exists():  # keep passwords stable across restarts
            stored = json.loads(CREDENTIALS_FILE.read_text())
        logins = {}
        for username, role in self.roles():
            logins[username] = ensure_user(username, role, stored.get(username))
        CREDENTIALS_FILE.parent.mkdir(exist_ok=True)
        CREDENTIALS_FILE.write_text(json.dumps(logins, indent=2))
        CREDENTIALS_FILE.chmod(0o600)

        self.stdout.write(f"\nAgora is starting at {url}/  (admin: {url}/admin/)")
        self.stdout.write(f"Development logins (kept in {CREDENTIALS_FILE}):")
        for username, role in self.roles():
            self.stdout.write(f"  {role:<16} {username:<16} {logins[username]}")
        self.stdout.write(two_factor_help(url))
        self.stdout.write("")

    def roles(self):
        return [
            ("admin", "administrator"),
            ("author", AUTHORS),
            ("editor", EDITORS),
            ("chief", EDITOR_IN_CHIEF),
        ]


def two_factor_help(url):
    """How two-factor sign-in stands in this run, and how to try the other way."""
    manage = f"{url}{reverse('two_factor_manage')}"
    if settings.TWO_FACTOR_REQUIRED:
        return (
            "Two-factor sign-in: required for admin and chief (TWO_FACTOR_REQUIRED=1): they\n"
            "  scan a QR code with an authenticator app on first sign-in. Anyone can add one\n"
            f"  from the account menu, Two-factor authentication: {manage}\n"
            "  To try without it: make run (TWO_FACTOR_REQUIRED unset)."
        )
    return (
        "Two-factor sign-in: off for this trial. To require it for admin and chief:\n"
        "  TWO_FACTOR_REQUIRED=1 make run\n"
        "  then enrol from the account menu, Two-factor authentication (a QR code for an\n"
        f"  authenticator app): {manage}"
    )


def ensure_user(username, role, password):
    """The user exists and signs in with `password`; a new password if it does not fit."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user and password and user.check_password(password):
        return password
    password = generated_password()
    if user is None:
        user = user_model(username=username, email=f"{username}@example.org")
    user.is_staff = user.is_superuser = role == "administrator"
    user.set_password(password)
    user.save()
    if role != "administrator":
        user.groups.set([Group.objects.get(name=role)])
    return password
