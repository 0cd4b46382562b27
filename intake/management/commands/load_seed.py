import time
import tomllib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from wagtail.models import Page, Site

from core.models import HomePage
from editorial.roles import ensure_editorial_setup
from experts.models import ExpertIndexPage
from intake.importer import CommentaryImporter, Refused, read_export, save
from intake.models import ImportRecord
from intake.sample import load_sample
from pagecache.purge import purge
from publications import totals
from publications.models import PublicationIndexPage

from .import_commentary import report

SEED_DIR = Path(__file__).resolve().parents[2] / "seed"
MAX_SAMPLE = 1_000_000  # a treebeard step of 4 base-36 digits holds 1.68 million children


class Command(BaseCommand):
    help = (
        "Create the site tree if missing and load each seed commentary once. Safe to run again: "
        "a seed file loaded before is never loaded again, whatever editors did with it since."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--sample",
            type=int,
            default=0,
            metavar="N",
            help="also create N deterministic sample commentaries and their experts "
            "(development and load tests; the same N twice adds nothing)",
        )

    def handle(self, *args, sample=0, **options):
        if not 0 <= sample <= MAX_SAMPLE:
            raise CommandError(f"--sample takes a number from 0 to {MAX_SAMPLE:,}.")
        with transaction.atomic():
            home = ensure_site_tree()
            ensure_editorial_setup()
        self.stdout.write(f"Site tree, editorial roles and workflow ready at '{home.title}'.")
        for path in sorted(SEED_DIR.glob("*.txt")):
            load_seed_file(self, path)
        if sample:
            started = time.monotonic()
            load_sample(sample, self.stdout)
            # Bulk-created, without the publishing events: what was cached is out of date.
            purge(tags=["site"])
            self.stdout.write(
                f"Sample data ready in {time.monotonic() - started:.1f}s. "
                "Run 'manage.py update_index' to make it searchable."
            )
        # The listing's rows and totals: counted here, so the first reader does not wait.
        totals.refresh()


def load_seed_file(command, path):
    """Load one seed file the first time load_seed meets it on this install, never again.

    Loaded once means recorded once (intake.ImportRecord, one per seed file name): an editor's
    later edit, unpublishing or deletion stands, and so does a changed seed file in a release.
    Its commentary is published only when the install has no such commentary yet; if one
    exists (an install older than the record), it is recorded as found and left alone.
    """
    loaded = ImportRecord.objects.filter(source=ImportRecord.SEED, name=path.name).first()
    if loaded is not None:
        command.stdout.write(
            f"{path.name}: loaded on {loaded.created_at:%Y-%m-%d}; never loaded again."
        )
        return
    try:
        data = read_export(path, CommentaryImporter().max_bytes)
    except Refused as exc:
        raise CommandError(f"The seed file {path.name} cannot be read: {exc.problems[0]}") from None
    tags = load_tags(path)
    with transaction.atomic():
        plan = CommentaryImporter().plan_text(data, path.name, **tags)
        if plan.ok and plan.status != "created":
            ImportRecord.objects.create(
                source=ImportRecord.SEED,
                name=path.name,
                fingerprint=plan.fingerprint,
                status="found",
                page=plan.page,
            )
            command.stdout.write(f"{path.name}: its commentary exists; left as it is.")
            return
        # A fresh install: the seed article goes live, as the product ships it.
        result = CommentaryImporter(mode="publish").import_text(data, path.name, **tags)
        report(command, result)
        if not result.ok:
            raise CommandError(f"The seed file {path.name} could not be loaded.")
        ImportRecord.objects.create(
            source=ImportRecord.SEED,
            name=path.name,
            fingerprint=result.fingerprint,
            status=result.status,
            page=result.page,
        )


def load_tags(path):
    tags_file = path.with_suffix(".tags.toml")
    if not tags_file.exists():
        return {"regions": [], "competences": []}
    data = tomllib.loads(tags_file.read_text(encoding="utf-8")).get("commentary", {})
    return {"regions": data.get("regions", []), "competences": data.get("competences", [])}


def ensure_child(parent, model, slug, title):
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = model(title=title, slug=slug)
        save(page, parent, publish=True, user=None)
    return page


def ensure_site_tree():
    """Home, publications and experts; replaces Wagtail's placeholder welcome page."""
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        for placeholder in root.get_children().filter(slug="home", numchild=0):
            if placeholder.specific_class is Page:
                placeholder.delete()
        home = HomePage(title="Agora", slug="home")
        save(home, root, publish=True, user=None)
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
        else:
            site.root_page = home
            site.save()
    ensure_child(home, PublicationIndexPage, "publications", "Publications")
    ensure_child(home, ExpertIndexPage, "experts", "Experts")
    return home
