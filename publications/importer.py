"""Writes parsed commentary exports into the page tree.

Experts are matched by the slug of their name and commentaries by the slug of their title, so a
re-import of the same file writes nothing, and a changed file becomes a new revision. Each file
is written inside one transaction: a failure leaves nothing behind.
"""

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from experts.models import ExpertIndexPage, ExpertPage
from taxonomy.models import Competence, Region

from .export_format import ExportFormatError, ParsedCommentary, ParsedExpert, parse
from .models import Byline, CommentaryPage, PublicationIndexPage


@dataclass
class ImportResult:
    path: Path
    page: CommentaryPage
    status: str  # "created", "updated" or "unchanged"
    experts: dict  # expert name -> status


def vocabulary_tags(model, names):
    """The vocabulary entries for these names, matched case-insensitively, created if new."""
    tags = []
    for name in names:
        tag = model.objects.filter(name__iexact=name).first()
        if tag is None:
            tag = model.objects.create(name=name)
        tags.append(tag)
    return tags


def tag_names(manager):
    return sorted(tag.name for tag in manager.all())


def save(page, parent, publish, user):
    """Create or revise a page; returns the revision."""
    if page.pk is None:
        page.live = False
        parent.add_child(instance=page)
    revision = page.save_revision(user=user, log_action=True)
    if publish:
        revision.publish(user=user)
    return revision


class CommentaryImporter:
    def __init__(self, publications_index=None, experts_index=None, publish=True, user=None):
        self.publications_index = publications_index or PublicationIndexPage.objects.get()
        self.experts_index = experts_index or ExpertIndexPage.objects.get()
        self.publish = publish
        self.user = user

    def import_file(self, path, regions=(), competences=()):
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise ExportFormatError(f"the file is not UTF-8 text ({exc.reason})") from None
        parsed = parse(text)
        with transaction.atomic():
            experts = {}
            expert_pages = []
            for author in parsed.authors:
                page, status = self.import_expert(author)
                expert_pages.append(page)
                experts[author.name] = status
            page, status = self.import_commentary(parsed, expert_pages, regions, competences)
        return ImportResult(path=path, page=page, status=status, experts=experts)

    def import_expert(self, author: ParsedExpert):
        existing = ExpertPage.objects.child_of(self.experts_index).filter(slug=slugify(author.name))
        page = existing.first()
        current = page.get_latest_revision_as_object() if page else None
        values = {
            "title": author.name,
            "position": author.position,
            "location": author.location,
            "field_of_expertise": author.field_of_expertise,
            "work_experience": author.work_experience,
        }
        tags = {
            "competences": vocabulary_tags(Competence, author.competences),
            "regions": vocabulary_tags(Region, author.regions),
        }
        if current and self._unchanged(current, values, tags):
            return page, "unchanged"
        target = current or ExpertPage(slug=slugify(author.name))
        self._apply(target, values, tags)
        save(target, self.experts_index, self.publish, self.user)
        return target, "updated" if current else "created"

    def import_commentary(self, parsed: ParsedCommentary, experts, regions, competences):
        slug = slugify(parsed.title)
        page = CommentaryPage.objects.child_of(self.publications_index).filter(slug=slug).first()
        current = page.get_latest_revision_as_object() if page else None
        values = {
            "title": parsed.title,
            "date": parsed.date,
            "lead": parsed.lead,
            "source": parsed.source,
        }
        tags = {
            "regions": vocabulary_tags(Region, regions),
            "competences": vocabulary_tags(Competence, competences),
        }
        bylines = [
            (expert.pk, author.position)
            for expert, author in zip(experts, parsed.authors, strict=True)
        ]
        if (
            current
            and self._unchanged(current, values, tags)
            and self._body(current) == parsed.body
            and [(b.expert_id, b.position) for b in current.bylines.all()] == bylines
        ):
            return page, "unchanged"
        target = current or CommentaryPage(slug=slug)
        self._apply(target, values, tags)
        target.body = parsed.body
        target.bylines = [  # in the export's order: the first author is named first
            Byline(expert=expert, position=author.position, sort_order=index)
            for index, (expert, author) in enumerate(zip(experts, parsed.authors, strict=True))
        ]
        save(target, self.publications_index, self.publish, self.user)
        return target, "updated" if current else "created"

    @staticmethod
    def _body(page):
        return [(block.block_type, _raw(block.value)) for block in page.body]

    @staticmethod
    def _unchanged(page, values, tags):
        return all(getattr(page, name) == value for name, value in values.items()) and all(
            tag_names(getattr(page, name)) == sorted(tag.name for tag in wanted)
            for name, wanted in tags.items()
        )

    @staticmethod
    def _apply(page, values, tags):
        for name, value in values.items():
            setattr(page, name, value)
        for name, wanted in tags.items():
            getattr(page, name).set(wanted)


def _raw(value):
    """A StreamField block value in the form the parser produces, for comparison."""
    if hasattr(value, "source"):  # RichText
        return value.source
    if hasattr(value, "items"):  # StructValue
        return {key: _raw(item) for key, item in value.items()}
    return value
