from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from publications.export_format import ExportFormatError
from publications.importer import CommentaryImporter


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

    def handle(self, *args, files, region, competence, draft, **options):
        importer = CommentaryImporter(publish=not draft)
        failed = import_files(self, importer, files, region, competence)
        if failed:
            raise CommandError(f"{failed} of {len(files)} file(s) not imported; see above.")


def import_files(command, importer, files, regions=(), competences=()):
    """Import each file on its own; report every outcome. Returns how many failed."""
    failed = 0
    for path in files:
        try:
            result = importer.import_file(path, regions=regions, competences=competences)
        except (ExportFormatError, ValidationError, OSError) as exc:
            failed += 1
            reason = "; ".join(exc.messages) if isinstance(exc, ValidationError) else exc
            command.stderr.write(f"{path}: not imported: {reason}")
            continue
        experts = ", ".join(f"{name} ({status})" for name, status in result.experts.items())
        command.stdout.write(
            f"{path}: {result.status} '{result.page.title}' "
            f"at {result.page.get_url() or result.page.url_path}; experts: {experts}"
        )
    return failed
