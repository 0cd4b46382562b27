"""Writes parsed commentary exports into the page tree, without ever overwriting editors' work.

Experts are matched by the slug of their name and commentaries by the slug of their title.
An import plans first (`plan_text`, which writes nothing: the admin's preview) and then carries
the plan out (`import_text`), in one transaction per file:

- a new commentary or expert is created as a draft, with its tags and bylines, and submitted to
  the workflow (mode "submit", the default), left a draft (mode "draft"), or published (mode
  "publish": only the first seed load of a fresh install uses it, and only for pages it creates);
- an existing commentary is never changed: when the file differs from its latest revision the
  differences are reported and the file's commentary is skipped;
- an existing expert whose profile differs gets a new revision holding only the changed fields,
  submitted to the workflow (a live profile stays as it is until the review publishes it), or
  with `skip_changed_experts` the differences are reported and nothing is written.

`import_text(data, name)` takes the bytes (or text) of one export and returns an `ImportResult`;
it never raises for bad input. A file is refused before anything is written when it is too
large, not UTF-8, not a valid export, or has a value too long for its field; a failure the checks
missed (the database refusing a row) rolls the whole file back. `import_file(path)` reads a file.
"""

import hashlib
import stat
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.text import slugify

from experts.models import ExpertIndexPage, ExpertPage
from publications.models import Byline, CommentaryPage, PublicationIndexPage
from taxonomy.models import Competence, Region

from .export_format import CONTROL_RE, ExportFormatError, ParsedCommentary, ParsedExpert, parse

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


MODES = ("submit", "draft", "publish")
# What happens to a commentary or an expert, and the status the result reports for it.
STATUS = {"create": "created", "revise": "revised", "unchanged": "unchanged", "skip": "skipped"}


@dataclass
class Change:
    """One thing an import does, or would do: the preview lists these, the import does them."""

    kind: str  # "commentary", "expert", "region" or "competence"
    name: str
    action: str  # "create", "revise" (experts only), "unchanged" or "skip"
    fields: list[str] = field(default_factory=list)  # what differs from the file
    reason: str = ""

    def as_dict(self):
        return asdict(self)

    def __str__(self):
        text = f"{self.kind} {self.name!r}: {STATUS[self.action]}"
        if self.fields:
            text += f" (differs in {', '.join(self.fields)})"
        return f"{text}; {self.reason}" if self.reason else text


@dataclass
class ImportResult:
    name: str  # the file name, as the caller gave it
    # The commentary's outcome: "created", "unchanged", "skipped" (it exists and differs from
    # the file: left as the editors have it) or "failed" (refused; nothing written).
    status: str = "failed"
    page: CommentaryPage | None = None
    experts: dict = field(default_factory=dict)  # expert name -> created/revised/unchanged/skipped
    changes: list[Change] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    fingerprint: str = ""  # SHA-256 of the file's bytes

    @property
    def ok(self):
        return not self.errors

    @property
    def changed(self):
        """Whether anything was (or, for a plan, would be) written."""
        return any(change.action in ("create", "revise") for change in self.changes)

    def plan(self):
        """The changes in a form to keep and compare (the admin keeps it between its preview
        and the confirmation)."""
        return [change.as_dict() for change in self.changes]


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


def same_tags(manager, names):
    # The vocabularies match names case-insensitively, so "japan" in a file is the tag Japan.
    return {tag.name.casefold() for tag in manager.all()} == {name.casefold() for name in names}


def fingerprint(data):
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()


def save(page, parent, publish, user):
    """Create or revise a page; returns the revision."""
    if page.pk is None:
        page.live = False
        parent.add_child(instance=page)
    revision = page.save_revision(user=user, log_action=True)
    if publish:
        revision.publish(user=user)
    return revision


EXPERT_FIELDS = {
    "title": "name",
    "position": "position",
    "location": "location",
    "field_of_expertise": "field of expertise",
    "work_experience": "work experience",
}
COMMENTARY_FIELDS = {"title": "title", "date": "date", "lead": "lead", "source": "source"}
TAG_FIELDS = {"regions": "regions", "competences": "competences"}


@dataclass
class Entry:
    """The plan for one page: what the file says, what exists, and what to do."""

    kind: str
    name: str
    slug: str
    values: dict
    tags: dict  # field -> names
    page: object = None  # the existing page
    current: object = None  # its latest revision, as a page
    action: str = "create"
    fields: list = field(default_factory=list)  # names of the differing model fields
    reason: str = ""

    def change(self):
        if self.kind == "commentary":
            labels = {**COMMENTARY_FIELDS, **TAG_FIELDS, "body": "body", "bylines": "bylines"}
        else:
            labels = {**EXPERT_FIELDS, **TAG_FIELDS}
        fields = [labels.get(name, name) for name in self.fields]
        return Change(self.kind, self.name, self.action, fields, self.reason)


def differences(current, values, tags):
    changed = [name for name, value in values.items() if getattr(current, name) != value]
    return changed + [
        name for name, names in tags.items() if not same_tags(getattr(current, name), names)
    ]


class CommentaryImporter:
    def __init__(
        self,
        publications_index=None,
        experts_index=None,
        mode="submit",
        user=None,
        max_bytes=None,
        skip_changed_experts=False,
    ):
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}")
        self.publications_index = publications_index or PublicationIndexPage.objects.get()
        self.experts_index = experts_index or ExpertIndexPage.objects.get()
        self.mode = mode
        self.user = user  # who saves the revisions and submits them to the workflow
        self.max_bytes = max_bytes_setting() if max_bytes is None else max_bytes
        self.skip_changed_experts = skip_changed_experts

    def import_file(self, path, regions=(), competences=()):
        """Read one export file (within the size limit) and import it; see import_text."""
        try:
            data = read_export(path, self.max_bytes)
        except Refused as exc:
            return ImportResult(name=str(path), errors=exc.problems)
        return self.import_text(data, str(path), regions=regions, competences=competences)

    def plan_text(self, data, name, regions=(), competences=()):
        """What import_text would do with this export, writing nothing.

        The result has the changes, the status the commentary would get, or the errors.
        """
        return self._run(data, name, regions, competences, write=False)

    def import_text(self, data, name, regions=(), competences=(), expect=None):
        """Import one export given as bytes (UTF-8) or text; name says where it came from.

        Returns an ImportResult: status, page and changes when it was imported, errors when it
        was refused, in which case nothing of it was written. Bad input never raises. With
        expect (a plan from plan_text), the file is refused unless it would do exactly that.
        """
        return self._run(data, name, regions, competences, write=True, expect=expect)

    def _run(self, data, name, regions, competences, write, expect=None):
        result = ImportResult(name=name)
        try:
            if isinstance(data, str):
                size = len(data.encode("utf-8", "surrogatepass"))
            else:
                size = len(data)
            if size > self.max_bytes:
                raise too_large(size, self.max_bytes)
            result.fingerprint = fingerprint(data)
            text = data if isinstance(data, str) else decode(data)
            parsed = parse(text)
            problems = validate(parsed, regions, competences)
            if problems:
                raise Refused(*problems)
            with transaction.atomic():  # a savepoint when the caller holds a transaction
                experts, commentary = self._plan(parsed, regions, competences)
                changes = self._changes(experts, commentary)
                if expect is not None and [change.as_dict() for change in changes] != expect:
                    raise Refused(
                        Problem(
                            "what this file would do has changed since it was previewed "
                            "(someone changed these pages meanwhile); preview it again"
                        )
                    )
                page = self._write(parsed, experts, commentary) if write else commentary.page
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
            result.page = page
            result.status = STATUS[commentary.action]
            result.experts = {entry.name: STATUS[entry.action] for entry in experts}
            result.changes = changes
        return result

    # Planning: reads only.

    def _plan(self, parsed, regions, competences):
        experts = [self._plan_expert(author) for author in parsed.authors]
        return experts, self._plan_commentary(parsed, regions, competences)

    def _plan_expert(self, author: ParsedExpert):
        slug = slugify(author.name)
        entry = Entry(
            kind="expert",
            name=author.name,
            slug=slug,
            values={
                "title": author.name,
                "position": author.position,
                "location": author.location,
                "field_of_expertise": author.field_of_expertise,
                "work_experience": author.work_experience,
            },
            tags={"competences": author.competences, "regions": author.regions},
        )
        entry.page = ExpertPage.objects.child_of(self.experts_index).filter(slug=slug).first()
        if entry.page is None:
            return entry
        entry.current = entry.page.get_latest_revision_as_object()
        entry.fields = differences(entry.current, entry.values, entry.tags)
        if not entry.fields:
            entry.action = "unchanged"
        elif self.skip_changed_experts:
            entry.action, entry.reason = "skip", "left as it is, as asked"
        elif entry.page.locked:
            entry.action, entry.reason = "skip", "the page is locked; left as it is"
        elif entry.page.workflow_in_progress:
            # A new revision would change what the reviewers are approving under their eyes.
            entry.action, entry.reason = "skip", "the profile is in review; left as it is"
        else:
            entry.action = "revise"
            entry.reason = self._revision_reason()
        return entry

    def _revision_reason(self):
        if self.mode == "draft":
            return "the changes are saved as a draft revision; the live profile is unchanged"
        return "the changes go to review in a new revision; the live profile is unchanged"

    def _plan_commentary(self, parsed: ParsedCommentary, regions, competences):
        slug = slugify(parsed.title)
        entry = Entry(
            kind="commentary",
            name=parsed.title,
            slug=slug,
            values={
                "title": parsed.title,
                "date": parsed.date,
                "lead": parsed.lead,
                "source": parsed.source,
            },
            tags={"regions": list(regions), "competences": list(competences)},
        )
        index = self.publications_index
        entry.page = CommentaryPage.objects.child_of(index).filter(slug=slug).first()
        if entry.page is None:
            return entry
        current = entry.current = entry.page.get_latest_revision_as_object()
        # Tags not given on this import are not the file's to say: they are left out.
        given = {name: names for name, names in entry.tags.items() if names}
        entry.fields = differences(current, entry.values, given)
        if CommentaryImporter._body(current) != parsed.body:
            entry.fields.append("body")
        bylines = [(b.expert.slug if b.expert else None, b.position) for b in current.bylines.all()]
        if bylines != [(slugify(a.name), a.position) for a in parsed.authors]:
            entry.fields.append("bylines")
        if entry.fields:
            # An editor may have corrected any of it: an import never overwrites a commentary.
            entry.action = "skip"
            entry.reason = "it exists and an import never changes it; edit it in the admin"
        else:
            entry.action = "unchanged"
        return entry

    def _changes(self, experts, commentary):
        changes = [commentary.change(), *(entry.change() for entry in experts)]
        wanted = {Region: {}, Competence: {}}
        for entry in [commentary, *experts]:
            for name, names in entry.tags.items():
                if entry.action == "create" or (entry.action == "revise" and name in entry.fields):
                    model = Region if name == "regions" else Competence
                    for tag in names:
                        wanted[model].setdefault(tag.casefold(), tag)
        for model, names in wanted.items():
            for tag in names.values():
                if not model.objects.filter(name__iexact=tag).exists():
                    changes.append(Change(model._meta.model_name, tag, "create"))
        return changes

    # Writing: inside the transaction of _run.

    def _write(self, parsed, experts, commentary):
        expert_pages = []
        for entry in experts:
            if entry.action == "create":
                page = ExpertPage(slug=entry.slug)
                self._apply(page, entry.values, entry.tags)
                self._save_new(page, self.experts_index)
            elif entry.action == "revise":
                # Only the fields the file changes, on top of the latest revision.
                page = entry.current
                self._apply(
                    page,
                    {name: entry.values[name] for name in entry.fields if name in entry.values},
                    {name: entry.tags[name] for name in entry.fields if name in entry.tags},
                )
                page.save_revision(user=self.user, log_action=True)
                if self.mode != "draft":  # "publish" never publishes what already exists
                    self._submit(page)
                page = entry.page
            else:
                page = entry.page
            expert_pages.append(page)
        if commentary.action != "create":
            return commentary.page
        page = CommentaryPage(slug=commentary.slug)
        self._apply(page, commentary.values, commentary.tags)
        page.body = parsed.body
        page.bylines = [  # in the export's order: the first author is named first
            Byline(expert=expert, position=author.position, sort_order=index)
            for index, (expert, author) in enumerate(zip(expert_pages, parsed.authors, strict=True))
        ]
        self._save_new(page, self.publications_index)
        return page

    def _save_new(self, page, parent):
        page.live = False
        parent.add_child(instance=page)
        revision = page.save_revision(user=self.user, log_action=True)
        if self.mode == "publish":
            revision.publish(user=self.user)
        elif self.mode == "submit":
            self._submit(page)

    def _submit(self, page):
        """Submit the latest revision to the page's workflow, as the admin's Submit does."""
        workflow = page.get_workflow()
        if workflow is not None:  # without a workflow the revision stays a draft
            workflow.start(page, self.user)

    @staticmethod
    def _body(page):
        return [(block.block_type, _raw(block.value)) for block in page.body]

    @staticmethod
    def _apply(page, values, tags):
        for name, value in values.items():
            setattr(page, name, value)
        for name, names in tags.items():
            model = Region if name == "regions" else Competence
            getattr(page, name).set(vocabulary_tags(model, names))


def _raw(value):
    """A StreamField block value in the form the parser produces, for comparison."""
    if hasattr(value, "source"):  # RichText
        return value.source
    if hasattr(value, "items"):  # StructValue
        return {key: _raw(item) for key, item in value.items()}
    return value
