"""Parser for the plain-text commentary export (see publications/seed/ for a real file).

Layout: a DD.MM.YY date line, a `##` title heading (in capitals), a bold lead, body paragraphs
and `##` headings, a `*Source:*` line, then `## AUTHOR` / `## AUTHORS` with one block per expert:
bold name, position line, then `**Label:** value` fields. The export repeats the title heading
mid-body at page breaks; those repeats are dropped. Parsing writes nothing.
"""

import datetime
import html
import re
from dataclasses import dataclass, field

DATE_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$")
HEADING_RE = re.compile(r"^#{1,6}\s+(.+?)\s*#*$")
BOLD_BLOCK_RE = re.compile(r"^\*\*(.+?)\*\*$", re.S)
LABEL_RE = re.compile(r"^\*\*([^*:]+):\*\*\s*(.*)$", re.S)
SOURCE_RE = re.compile(r"^\*{0,2}Source:\*{0,2}\s*(.+)$", re.S | re.I)
AUTHORS_RE = re.compile(r"^#{1,6}\s+AUTHORS?\s*$", re.I)
LINK_RE = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")

# Lower-case in titles unless first, last or after a colon.
SMALL_WORDS = frozenset(
    {"a", "an", "and", "as", "at", "but", "by", "en", "for", "from", "if", "in", "into", "nor"}
    | {"of", "on", "onto", "or", "over", "per", "so", "than", "the", "to", "up", "via", "vs"}
    | {"with"}
)
KNOWN_LABELS = {
    "location": "location",
    "competence": "competences",
    "competences": "competences",
    "field of expertise": "field_of_expertise",
    "work experience": "work_experience",
}


class ExportFormatError(ValueError):
    """The file is not a valid commentary export; the message says what is wrong."""


@dataclass
class ParsedExpert:
    name: str
    position: str = ""
    location: str = ""
    competences: list[str] = field(default_factory=list)
    field_of_expertise: str = ""  # rich text HTML
    work_experience: str = ""  # rich text HTML

    @property
    def regions(self):
        """The country at the end of the location ("Moscow, Russia" -> ["Russia"])."""
        country = self.location.rsplit(",", 1)[-1].strip()
        return [country] if country else []


@dataclass
class ParsedCommentary:
    date: datetime.date
    title: str
    lead: str
    body: list[tuple[str, str]]  # StreamField (block type, value) pairs
    source: str
    authors: list[ParsedExpert]
    dropped_headings: int = 0


def blocks_of(text):
    """Blank-line separated blocks, each with its lines joined by a space."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    blocks, current = [], []
    for line in text.split("\n"):
        if line.strip():
            current.append(line.strip())
        elif current:
            blocks.append(" ".join(current))
            current = []
    if current:
        blocks.append(" ".join(current))
    return blocks


def strip_markup(text):
    return re.sub(r"\*+", "", text).strip()


def inline_html(text):
    """Markdown-style emphasis and links to Wagtail rich-text HTML, everything else escaped."""
    escaped = html.escape(text, quote=False)
    escaped = LINK_RE.sub(
        lambda m: f'<a href="{html.escape(m.group(2))}">{m.group(1)}</a>', escaped
    )
    escaped = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", escaped)
    return re.sub(r"\*(.+?)\*", r"<i>\1</i>", escaped)


def paragraphs_html(*paragraphs):
    return "".join(f"<p>{inline_html(p)}</p>" for p in paragraphs if p)


def normalise(text):
    return re.sub(r"\s+", " ", strip_markup(text)).strip().casefold()


def title_case(text, acronyms=frozenset()):
    """Sentence-aware title case for headings the export set in capitals.

    Words known as acronyms from the body (US, NATO) stay upper case; small words stay lower
    case except at the start, the end and after a colon.
    """
    words = text.split()
    result = []
    for i, word in enumerate(words):
        bare = re.sub(r"[^\w'-]", "", word)
        after_colon = i > 0 and result[-1].endswith(":")
        if bare.upper() in acronyms:
            result.append(word.upper())
        elif bare.lower() in SMALL_WORDS and 0 < i < len(words) - 1 and not after_colon:
            result.append(word.lower())
        else:
            result.append("-".join(part[:1].upper() + part[1:].lower() for part in word.split("-")))
    return " ".join(result)


def parse_date(value):
    match = DATE_RE.match(value)
    if not match:
        raise ExportFormatError(f"the first line {value[:40]!r} is not a date in DD.MM.YY form")
    day, month, year = (int(part) for part in match.groups())
    if year < 100:
        # Two-digit years: the archive starts in the 1990s, so 90-99 are 19xx, the rest 20xx.
        year += 1900 if year >= 90 else 2000
    try:
        return datetime.date(year, month, day)
    except ValueError as exc:
        raise ExportFormatError(f"the date {value!r} is not a real date ({exc})") from None


def parse(text):
    blocks = blocks_of(text)
    if not blocks:
        raise ExportFormatError("the file is empty")
    split = next((i for i, block in enumerate(blocks) if AUTHORS_RE.match(block)), None)
    if split is None:
        raise ExportFormatError("there is no '## AUTHOR' section")
    article, author_blocks = blocks[:split], blocks[split + 1 :]

    date = parse_date(article[0])
    if len(article) < 2 or not HEADING_RE.match(article[1]):
        raise ExportFormatError("there is no '## TITLE' heading after the date")
    heading = HEADING_RE.match(article[1]).group(1)
    if len(article) < 3 or not BOLD_BLOCK_RE.match(article[2]) or LABEL_RE.match(article[2]):
        raise ExportFormatError("there is no bold lead paragraph after the title")
    lead = strip_markup(BOLD_BLOCK_RE.match(article[2]).group(1))

    prose = " ".join(block for block in article[2:] if not HEADING_RE.match(block))
    acronyms = frozenset(re.findall(r"\b([A-Z]{2,5})\b", prose))
    source, raw_body, dropped = "", [], 0
    for block in article[3:]:
        heading_match = HEADING_RE.match(block)
        source_match = SOURCE_RE.match(block)
        if heading_match and normalise(heading_match.group(1)) == normalise(heading):
            dropped += 1  # page-break artifact: the title repeated mid-body
        elif heading_match:
            raw_body.append(("heading", heading_match.group(1)))
        elif source_match and not source:
            source = strip_markup(source_match.group(1))
        elif block.startswith(">"):
            raw_body.append(("quote", {"text": block.lstrip("> "), "attribution": ""}))
        else:
            raw_body.append(("paragraph", block))

    title = source if source and normalise(source) == normalise(heading) else heading
    if title.isupper():
        title = title_case(title, acronyms)
    body = []
    for kind, value in raw_body:
        if kind == "heading":
            body.append((kind, title_case(value, acronyms) if value.isupper() else value))
        elif kind == "paragraph":
            body.append((kind, paragraphs_html(value)))
        else:
            body.append((kind, value))

    return ParsedCommentary(
        date=date,
        title=title,
        lead=lead,
        body=body,
        source=source,
        authors=parse_authors(author_blocks),
        dropped_headings=dropped,
    )


def parse_authors(blocks):
    authors, current, last_label = [], None, None
    extra = {}  # (author index, field) -> continuation paragraphs
    for block in blocks:
        label_match = LABEL_RE.match(block)
        bold_match = BOLD_BLOCK_RE.match(block)
        if label_match:
            if current is None:
                raise ExportFormatError(f"the field {block[:40]!r} comes before any author name")
            label, value = label_match.group(1).strip(), label_match.group(2).strip()
            attribute = KNOWN_LABELS.get(label.casefold())
            if attribute is None:
                raise ExportFormatError(
                    f"unknown field {label!r} for {current.name}; known fields: Location, "
                    "Competence, Field of expertise, Work experience"
                )
            last_label = attribute
            if attribute == "competences":
                items = [item.strip() for item in value.split(",") if item.strip()]
                current.competences = list(dict.fromkeys(items))
            elif attribute == "location":
                current.location = value
            else:
                extra[(len(authors) - 1, attribute)] = [value]
        elif bold_match:
            current = ParsedExpert(name=strip_markup(bold_match.group(1)))
            authors.append(current)
            last_label = None
        elif current is not None and last_label is None and not current.position:
            current.position = block
        elif current is not None and last_label in ("field_of_expertise", "work_experience"):
            extra[(len(authors) - 1, last_label)].append(block)
        else:
            raise ExportFormatError(f"unexpected text in the author section: {block[:60]!r}")
    if not authors:
        raise ExportFormatError("the AUTHOR section names no expert")
    for (index, attribute), paragraphs in extra.items():
        setattr(authors[index], attribute, paragraphs_html(*paragraphs))
    return authors
