from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from intake.importer import CommentaryImporter, max_bytes_setting

# Who saves and submits what the command imports, unless --user names someone: an account that
# cannot sign in, so any editor may review the import (nobody approves their own work).
SYSTEM_USER = "importer"


def system_user():
    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USER, defaults={"is_active": False, "first_name": "Importer"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


class Command(BaseCommand):
    help = (
        "Import commentaries from the plain-text export format (one commentary per file). New "
        "commentaries and experts are submitted to the review workflow; an existing commentary "
        "is never changed; a changed expert profile gets a new revision submitted for review."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="export files to import")
        parser.add_argument(
            "--region",
            action="append",
            default=[],
            metavar="NAME",
            help="region tag for new commentaries (repeat)",
        )
        parser.add_argument(
            "--competence",
            action="append",
            default=[],
            metavar="NAME",
            help="competence tag for new commentaries (repeat)",
        )
        parser.add_argument(
            "--draft",
            action="store_true",
            help="save new pages and revisions as drafts, without submitting them for review",
        )
        parser.add_argument(
            "--skip-changed-experts",
            action="store_true",
            help="report how existing expert profiles differ from the files, change nothing",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help=f"who saves and submits the revisions (default: the '{SYSTEM_USER}' account)",
        )
        parser.add_argument(
            "--max-bytes",
            type=int,
            default=None,
            metavar="N",
            help="refuse files larger than N bytes (default: the IMPORT_MAX_BYTES setting, "
            f"{max_bytes_setting():,})",
        )

    def handle(
        self,
        *args,
        files,
        region,
        competence,
        draft,
        skip_changed_experts=False,
        user=None,
        max_bytes=None,
        **options,
    ):
        if max_bytes is not None and max_bytes < 1:
            raise CommandError("--max-bytes takes a positive number of bytes.")
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"There is no user {user!r}.")
        else:
            account = system_user()
        importer = CommentaryImporter(
            mode="draft" if draft else "submit",
            user=account,
            max_bytes=max_bytes,
            skip_changed_experts=skip_changed_experts,
        )
        failed = import_files(self, importer, files, region, competence)
        if failed:
            raise CommandError(f"{failed} of {len(files)} file(s) not imported; see above.")


def report(command, result):
    """Print what one file did, or why it was refused."""
    path = result.name
    if not result.ok:
        for problem in result.errors:
            command.stderr.write(f"{path}: {problem}")
        command.stderr.write(f"{path}: not imported")
        return
    experts = ", ".join(f"{name} ({status})" for name, status in result.experts.items())
    command.stdout.write(
        f"{path}: {result.status} '{result.page.title}' "
        f"at {result.page.get_url() or result.page.url_path}; experts: {experts}"
    )
    for change in result.changes:
        if change.fields or change.reason:
            command.stdout.write(f"{path}: {change}")


def import_files(command, importer, files, regions=(), competences=()):
    """Import each file on its own; report every outcome and a summary. Returns how many failed.

    A refused file (too large, not UTF-8, malformed, a value too long, refused by the database)
    writes nothing and does not stop the others.
    """
    outcomes = {}
    for path in files:
        result = importer.import_file(path, regions=regions, competences=competences)
        outcomes[result.status] = outcomes.get(result.status, 0) + 1
        report(command, result)
    failed = outcomes.pop("failed", 0)
    summary = ", ".join(f"{count} {status}" for status, count in sorted(outcomes.items()))
    command.stdout.write(
        f"{len(files) - failed} of {len(files)} file(s) imported"
        + (f" ({summary})" if summary else "")
        + (f"; {failed} not imported." if failed else ".")
    )
    return failed
