import time
import tomllib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from wagtail.models import Page, Site

from editorial.roles import ensure_editorial_setup
from experts.models import ExpertIndexPage
from pagecache.purge import purge
from publications.importer import CommentaryImporter, save
from publications.models import HomePage, PublicationIndexPage
from publications.sample import load_sample

from .import_commentary import import_files

SEED_DIR = Path(__file__).resolve().parents[2] / "seed"
MAX_SAMPLE = 1_000_000  # a treebeard step of 4 base-36 digits holds 1.68 million children


class Command(BaseCommand):
    help = "Create the site tree if missing and load the seed commentaries. Safe to run again."

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
            tags = load_tags(path)
            failed = import_files(self, CommentaryImporter(), [path], **tags)
            if failed:
                raise CommandError(f"The seed file {path.name} could not be loaded.")
        if sample:
            started = time.monotonic()
            load_sample(sample, self.stdout)
            # Bulk-created, without the publishing events: what was cached is out of date.
            purge(tags=["site"])
            self.stdout.write(
                f"Sample data ready in {time.monotonic() - started:.1f}s. "
                "Run 'manage.py update_index' to make it searchable."
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
