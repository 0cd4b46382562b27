from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from security.devices import remove_all_devices


class Command(BaseCommand):
    help = (
        "Remove a user's second factors (authenticator apps and recovery codes); "
        "they enrol again at next sign-in."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        count = remove_all_devices(user)
        self.stdout.write(f"Removed {count} device(s) for {username}.")
