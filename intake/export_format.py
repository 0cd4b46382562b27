"""Parser for the plain-text commentary export (see intake/seed/ for a real file).

Layout: a DD.MM.YY date line, a `##` title heading (in capitals), a bold lead, body paragraphs
and `##` headings, a `*Source:*` line, then `## AUTHOR` / `## AUTHORS` with one block per expert:
bold name, position line, then `**Label:** value` fields. The export repeats the title heading
mid-body at page breaks; those repeats are dropped. Parsing writes nothing.

The parser reads untrusted files, so it runs in time linear in their length: headings are taken
apart without a regular expression, and no pattern has two quantifiers that can share a run of
characters (tests/security/test_import_abuse.py feeds it a million pathological characters).
"""

import datetime
import html
import re
from dataclasses import dataclass, field

DATE_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$")
BOLD_BLOCK_RE = re.compile(r"^\*\*(.+?)\*\*$", re.S)
LABEL_RE = re.compile(r"^\*\*([^*:]+):\*\*\s*(.*)$", re.S)
SOURCE_RE = re.compile(r"^\*{0,2}Source:\*{0,2}\s*(.+)$", re.S | re.I)
AUTHORS_RE = re.compile(r"^#{1,6}\s+AUTHORS?\s*$", re.I)
# Neither part may contain a bracket: a scan that starts at one "[" stops at the next, so a line
# of brackets costs linear time instead of one scan to the end per bracket.
LINK_RE = re.compile(r"\[([^\[\]]+)\]\((https?://[^)\s\[\]]+)\)")
# Control characters have no place in a plain-text export; NUL cannot even be stored by
# PostgreSQL. Tab and the line ends are the only ones allowed.
# Unpaired surrogates cannot come from UTF-8, only from text handed in, and no database stores them.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

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
    """The file is not a valid commentary export; the message says what is wrong, and where."""

    def __init__(self, message, line=None):
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self):
        return f"line {self.line}: {self.message}" if self.line else self.message


class Block(str):
    """A blank-line separated block of the export, knowing the line it starts on."""

    line: int

    def __new__(cls, text, line):
        block = super().__new__(cls, text)
        block.line = line
        return block


@dataclass
class ParsedExpert:
    name: str
    position: str = ""
    location: str = ""
    competences: list[str] = field(default_factory=list)
    field_of_expertise: str = ""  # rich text HTML
    work_experience: str = ""  # rich text HTML
    lines: dict[str, int] = field(default_factory=dict)  # field -> line it starts on

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
    lines: dict[str, int] = field(default_factory=dict)  # field -> line it starts on
    body_lines: list[int] = field(default_factory=list)  # the line of each body block


def normalise_newlines(text):
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")


def check_characters(text):
    """Refuse NUL and other control characters, naming the line of the first one."""
    match = CONTROL_RE.search(text)
    if match:
        char = match.group()
        if char == "\x00":
            what = "a NUL byte"
        elif "\ud800" <= char <= "\udfff":
            what = f"an unpaired surrogate U+{ord(char):04X}"
        else:
            what = f"the control character U+{ord(char):04X}"
        raise ExportFormatError(
            f"contains {what}; an export is plain text", line=text.count("\n", 0, match.start()) + 1
        )


def blocks_of(text):
    """Blank-line separated blocks, each with its lines joined by a space."""
    blocks, current, start = [], [], 0
    for number, line in enumerate(normalise_newlines(text).split("\n"), start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line.strip())
        elif current:
            blocks.append(Block(" ".join(current), start))
            current = []
    if current:
        blocks.append(Block(" ".join(current), start))
    return blocks


def heading_text(block):
    """The text of a `#` to `######` heading, without trailing `#`s; None if not a heading.

    What `^#{1,6}\\s+(.+?)\\s*#*$` matched, in linear time: that pattern backtracked
    quadratically on a long run of spaces inside the heading.
    """
    hashes = len(block) - len(block.lstrip("#"))
    rest = block[hashes:]
    if not 1 <= hashes <= 6 or not rest[:1].isspace():
        return None
    rest = rest.strip()
    if not rest:
        return None
    return rest.rstrip("#").rstrip() or rest[0]


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
    text = normalise_newlines(text)
    check_characters(text)
    blocks = blocks_of(text)
    if not blocks:
        raise ExportFormatError("the file is empty")
    split = next((i for i, block in enumerate(blocks) if AUTHORS_RE.match(block)), None)
    if split is None:
        raise ExportFormatError("there is no '## AUTHOR' section")
    article, author_blocks = blocks[:split], blocks[split + 1 :]

    try:
        date = parse_date(article[0])
    except ExportFormatError as exc:
        raise ExportFormatError(exc.message, line=article[0].line) from None
    heading = heading_text(article[1]) if len(article) > 1 else None
    if heading is None:
        raise ExportFormatError(
            "there is no '## TITLE' heading after the date", line=article[0].line
        )
    if len(article) < 3 or not BOLD_BLOCK_RE.match(article[2]) or LABEL_RE.match(article[2]):
        raise ExportFormatError(
            "there is no bold lead paragraph after the title", line=article[1].line
        )
    lead = strip_markup(BOLD_BLOCK_RE.match(article[2]).group(1))
    lines = {"date": article[0].line, "title": article[1].line, "lead": article[2].line}

    prose = " ".join(block for block in article[2:] if heading_text(block) is None)
    acronyms = frozenset(re.findall(r"\b([A-Z]{2,5})\b", prose))
    source, raw_body, body_lines, dropped = "", [], [], 0
    for block in article[3:]:
        block_heading = heading_text(block)
        source_match = SOURCE_RE.match(block)
        if block_heading is not None and normalise(block_heading) == normalise(heading):
            dropped += 1  # page-break artifact: the title repeated mid-body
            continue
        if block_heading is not None:
            raw_body.append(("heading", block_heading))
        elif source_match and not source:
            source = strip_markup(source_match.group(1))
            lines["source"] = block.line
            continue
        elif block.startswith(">"):
            raw_body.append(("quote", {"text": block.lstrip("> "), "attribution": ""}))
        else:
            raw_body.append(("paragraph", block))
        body_lines.append(block.line)

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
        lines=lines,
        body_lines=body_lines,
    )


def parse_authors(blocks):
    authors, current, last_label = [], None, None
    extra = {}  # (author index, field) -> continuation paragraphs
    for block in blocks:
        label_match = LABEL_RE.match(block)
        bold_match = BOLD_BLOCK_RE.match(block)
        if label_match:
            if current is None:
                raise ExportFormatError(
                    f"the field {block[:40]!r} comes before any author name", line=block.line
                )
            label, value = label_match.group(1).strip(), label_match.group(2).strip()
            attribute = KNOWN_LABELS.get(label.casefold())
            if attribute is None:
                raise ExportFormatError(
                    f"unknown field {label[:40]!r} for {current.name[:40]}; known fields: "
                    "Location, Competence, Field of expertise, Work experience",
                    line=block.line,
                )
            last_label = attribute
            current.lines.setdefault(attribute, block.line)
            if attribute == "competences":
                items = [item.strip() for item in value.split(",") if item.strip()]
                current.competences = list(dict.fromkeys(items))
            elif attribute == "location":
                current.location = value
            else:
                extra[(len(authors) - 1, attribute)] = [value]
        elif bold_match:
            current = ParsedExpert(
                name=strip_markup(bold_match.group(1)), lines={"name": block.line}
            )
            authors.append(current)
            last_label = None
        elif current is not None and last_label is None and not current.position:
            current.position = block
            current.lines["position"] = block.line
        elif current is not None and last_label in ("field_of_expertise", "work_experience"):
            extra[(len(authors) - 1, last_label)].append(block)
        else:
            raise ExportFormatError(
                f"unexpected text in the author section: {block[:60]!r}", line=block.line
            )
    if not authors:
        raise ExportFormatError("the AUTHOR section names no expert")
    for (index, attribute), paragraphs in extra.items():
        setattr(authors[index], attribute, paragraphs_html(*paragraphs))
    return authors
