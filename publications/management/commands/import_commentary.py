from django.core.management.base import BaseCommand, CommandError

from publications.importer import CommentaryImporter, max_bytes_setting


class Command(BaseCommand):
    help = "Import commentaries from the plain-text export format (one commentary per file)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="export files to import")
        parser.add_argument(
            "--region", action="append", default=[], metavar="NAME", help="region tag (repeat)"
        )
        parser.add_argument(
            "--competence",
            action="append",
            default=[],
            metavar="NAME",
            help="competence tag (repeat)",
        )
        parser.add_argument(
            "--draft", action="store_true", help="save as drafts instead of publishing"
        )
        parser.add_argument(
            "--max-bytes",
            type=int,
            default=None,
            metavar="N",
            help="refuse files larger than N bytes (default: the IMPORT_MAX_BYTES setting, "
            f"{max_bytes_setting():,})",
        )

    def handle(self, *args, files, region, competence, draft, max_bytes=None, **options):
        if max_bytes is not None and max_bytes < 1:
            raise CommandError("--max-bytes takes a positive number of bytes.")
        importer = CommentaryImporter(publish=not draft, max_bytes=max_bytes)
        failed = import_files(self, importer, files, region, competence)
        if failed:
            raise CommandError(f"{failed} of {len(files)} file(s) not imported; see above.")


def import_files(command, importer, files, regions=(), competences=()):
    """Import each file on its own; report every outcome and a summary. Returns how many failed.

    A refused file (too large, not UTF-8, malformed, a value too long, refused by the database)
    writes nothing and does not stop the others.
    """
    outcomes = {}
    for path in files:
        result = importer.import_file(path, regions=regions, competences=competences)
        outcomes[result.status] = outcomes.get(result.status, 0) + 1
        if not result.ok:
            for problem in result.errors:
                command.stderr.write(f"{path}: {problem}")
            command.stderr.write(f"{path}: not imported")
            continue
        experts = ", ".join(f"{name} ({status})" for name, status in result.experts.items())
        command.stdout.write(
            f"{path}: {result.status} '{result.page.title}' "
            f"at {result.page.get_url() or result.page.url_path}; experts: {experts}"
        )
    failed = outcomes.pop("failed", 0)
    summary = ", ".join(f"{count} {status}" for status, count in sorted(outcomes.items()))
    command.stdout.write(
        f"{len(files) - failed} of {len(files)} file(s) imported"
        + (f" ({summary})" if summary else "")
        + (f"; {failed} not imported." if failed else ".")
    )
    return failed
