"""Writes parsed commentary exports into the page tree.

Experts are matched by the slug of their name and commentaries by the slug of their title, so a
re-import of the same file writes nothing, and a changed file becomes a new revision.

`CommentaryImporter.import_text(data, name)` takes the bytes (or text) of one export and returns
an `ImportResult`; it never raises for bad input. A file is refused before anything is written
when it is too large, not UTF-8, not a valid export, or has a value too long for its field; what
is written is written inside one transaction, so a failure the checks missed (the database
refusing a row) leaves nothing behind either. `import_file(path)` reads a file for it.
"""

import stat
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.text import slugify

from experts.models import ExpertIndexPage, ExpertPage
from taxonomy.models import Competence, Region

from .export_format import CONTROL_RE, ExportFormatError, ParsedCommentary, ParsedExpert, parse
from .models import Byline, CommentaryPage, PublicationIndexPage

DEFAULT_MAX_BYTES = 2 * 1024 * 1024  # the largest real export is about 30 KB


def max_bytes_setting():
    return getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


@dataclass
class Problem:
    """Why a file was refused, with the line of the export it concerns when there is one."""

    message: str
    line: int | None = None

    def __str__(self):
        return f"line {self.line}: {self.message}" if self.line else self.message


class Refused(Exception):
    def __init__(self, *problems):
        super().__init__(*problems)
        self.problems = list(problems)


@dataclass
class ImportResult:
    name: str  # the file name, as the caller gave it
    status: str = "failed"  # "created", "updated", "unchanged" or "failed"
    page: CommentaryPage | None = None
    experts: dict = field(default_factory=dict)  # expert name -> status
    errors: list[Problem] = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors

    @property
    def changed(self):
        return self.status in ("created", "updated")


def size_text(n):
    return f"{n:,} bytes" if n < 1024 * 1024 else f"{n / (1024 * 1024):.1f} MB ({n:,} bytes)"


def too_large(size, limit):
    return Refused(Problem(f"the file is {size_text(size)}, at most {size_text(limit)} allowed"))


def read_export(path, limit):
    """The bytes of an export file, refusing anything that is not a regular file within limit.

    The size is checked before the file is read, and no more than limit + 1 bytes are ever read
    (a file growing meanwhile, or a device, cannot fill the memory).
    """
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise Refused(Problem("there is no such file")) from None
    except OSError as exc:
        raise Refused(Problem(f"the file cannot be read ({exc.strerror})")) from None
    if stat.S_ISDIR(info.st_mode):
        raise Refused(Problem("this is a directory, not an export file"))
    if not stat.S_ISREG(info.st_mode):
        raise Refused(Problem("this is not a regular file"))
    if info.st_size > limit:
        raise too_large(info.st_size, limit)
    try:
        with path.open("rb") as file:
            data = file.read(limit + 1)
    except OSError as exc:
        raise Refused(Problem(f"the file cannot be read ({exc.strerror})")) from None
    if len(data) > limit:
        raise too_large(len(data), limit)
    return data


def decode(data):
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refused(
            Problem(
                f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset "
                f"{exc.start}: {exc.reason})",
                line=data.count(b"\n", 0, exc.start) + 1,
            )
        ) from None


def check_value(problems, model, field_name, value, label, line=None):
    """Check a value against its model field (max_length and validators) before any write."""
    model_field = model._meta.get_field(field_name)
    limit = getattr(model_field, "max_length", None)
    if limit and len(value) > limit:
        problems.append(Problem(f"{label} is {len(value):,} characters, at most {limit}", line))
        return
    try:
        model_field.run_validators(value)
    except ValidationError as exc:
        problems.extend(Problem(f"{label}: {message}", line) for message in exc.messages)


def check_block(problems, block, value, label, line):
    limit = getattr(getattr(block, "field", None), "max_length", None)
    if limit and len(value) > limit:
        problems.append(Problem(f"{label} is {len(value):,} characters, at most {limit}", line))


def check_tag_names(problems, model, names, label, line=None):
    for name in names:
        if CONTROL_RE.search(name):
            problems.append(Problem(f"{label} {name[:40]!r} contains a control character", line))
        else:
            check_value(problems, model, "name", name, f"{label} {name[:40]!r}", line)


def validate(parsed: ParsedCommentary, regions, competences):
    """Every value of the file against the field it goes into; returns the problems found."""
    problems = []
    lines = parsed.lines
    check_value(problems, CommentaryPage, "title", parsed.title, "the title", lines.get("title"))
    check_value(
        problems,
        CommentaryPage,
        "slug",
        slugify(parsed.title),
        "the web address made from the title",
        lines.get("title"),
    )
    check_value(problems, CommentaryPage, "lead", parsed.lead, "the lead", lines.get("lead"))
    check_value(
        problems, CommentaryPage, "source", parsed.source, "the source", lines.get("source")
    )
    body_blocks = CommentaryPage._meta.get_field("body").stream_block.child_blocks
    for (kind, value), line in zip(parsed.body, parsed.body_lines, strict=True):
        if kind == "heading":
            check_block(problems, body_blocks["heading"], value, "a heading", line)
        elif kind == "quote":
            for part, text in value.items():
                check_block(
                    problems, body_blocks["quote"].child_blocks[part], text, "a quote", line
                )
    check_tag_names(problems, Region, regions, "the region")
    check_tag_names(problems, Competence, competences, "the competence")
    for author in parsed.authors:
        where = author.lines
        name = f"the expert name {author.name[:40]!r}"
        check_value(problems, ExpertPage, "title", author.name, name, where.get("name"))
        slug = slugify(author.name)
        check_value(problems, ExpertPage, "slug", slug, f"the web address of {name}")
        if author.name.split():  # the surname is taken from the last word of the name
            surname = author.name.split()[-1]
            check_value(problems, ExpertPage, "surname", surname, "the surname", where.get("name"))
        # The position goes into the profile and the byline: both fields must hold it.
        for model in (ExpertPage, Byline):
            check_value(
                problems, model, "position", author.position, "position", where.get("position")
            )
        check_value(
            problems, ExpertPage, "location", author.location, "location", where.get("location")
        )
        line = where.get("location")
        check_tag_names(problems, Region, author.regions, "the region", line)
        line = where.get("competences")
        check_tag_names(problems, Competence, author.competences, "the competence", line)
    # One message per problem and line: the position is checked against two fields.
    unique = dict.fromkeys((problem.message, problem.line) for problem in problems)
    return [Problem(message, line) for message, line in unique]


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
    def __init__(
        self, publications_index=None, experts_index=None, publish=True, user=None, max_bytes=None
    ):
        self.publications_index = publications_index or PublicationIndexPage.objects.get()
        self.experts_index = experts_index or ExpertIndexPage.objects.get()
        self.publish = publish
        self.user = user
        self.max_bytes = max_bytes_setting() if max_bytes is None else max_bytes

    def import_file(self, path, regions=(), competences=()):
        """Read one export file (within the size limit) and import it; see import_text."""
        try:
            data = read_export(path, self.max_bytes)
        except Refused as exc:
            return ImportResult(name=str(path), errors=exc.problems)
        return self.import_text(data, str(path), regions=regions, competences=competences)

    def import_text(self, data, name, regions=(), competences=()):
        """Import one export given as bytes (UTF-8) or text; name says where it came from.

        Returns an ImportResult: status and page when it was imported, errors when it was
        refused, in which case nothing of it was written. Bad input never raises.
        """
        result = ImportResult(name=name)
        try:
            if isinstance(data, str):
                size = len(data.encode("utf-8", "surrogatepass"))
            else:
                size = len(data)
            if size > self.max_bytes:
                raise too_large(size, self.max_bytes)
            text = data if isinstance(data, str) else decode(data)
            parsed = parse(text)
            problems = validate(parsed, regions, competences)
            if problems:
                raise Refused(*problems)
            with transaction.atomic():  # a savepoint when the caller holds a transaction
                experts = {}
                expert_pages = []
                for author in parsed.authors:
                    page, status = self.import_expert(author)
                    expert_pages.append(page)
                    experts[author.name] = status
                page, status = self.import_commentary(parsed, expert_pages, regions, competences)
        except Refused as exc:
            result.errors = exc.problems
        except ExportFormatError as exc:
            result.errors = [Problem(exc.message, exc.line)]
        except ValidationError as exc:  # Wagtail's full_clean on save
            result.errors = [Problem(message) for message in exc.messages]
        except DatabaseError as exc:
            # What the checks above missed (a constraint, a concurrent import): this file is
            # rolled back, the caller goes on with the next one.
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            result.errors = [Problem(f"the database refused it ({type(exc).__name__}: {reason})")]
        else:
            result.page, result.status, result.experts = page, status, experts
        return result

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
