"""The export parser, field by field against the real seed file and crafted variants."""

import datetime
from pathlib import Path

import pytest

from intake.export_format import ExportFormatError, parse, title_case

SEED = Path(__file__).resolve().parents[1] / "intake" / "seed" / "000_4feec85b87209d59.txt"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def seed():
    return parse(SEED.read_text(encoding="utf-8"))


def test_date_is_day_month_two_digit_year(seed):
    assert seed.date == datetime.date(2019, 2, 7)


def test_title_is_taken_in_normal_case_from_the_source_line(seed):
    assert seed.title == "Why Is It So Difficult for Russia and Japan to Come to Agreement?"


def test_lead_is_the_bold_paragraph_without_markup(seed):
    assert seed.lead.startswith("Experts had many expectations ahead of the Russian-Japanese")
    assert seed.lead.endswith("four Kuril islands.")
    assert "*" not in seed.lead


def test_body_keeps_every_paragraph_in_order(seed):
    paragraphs = [value for kind, value in seed.body if kind == "paragraph"]
    assert len(paragraphs) == 8
    assert paragraphs[0].startswith("<p>Moreover, both parties")
    assert paragraphs[3].startswith("<p>This powerful public response")
    assert paragraphs[-1].startswith("<p>Despite recent positive dynamics")
    assert paragraphs[-1].endswith("no room for a breakthrough.</p>")


def test_repeated_title_heading_is_dropped(seed):
    assert seed.dropped_headings == 1
    assert [kind for kind, _ in seed.body] == ["paragraph"] * 8


def test_source_line(seed):
    assert seed.source == "Why Is It So Difficult for Russia and Japan to Come to Agreement?"


def test_author_fields(seed):
    (author,) = seed.authors
    assert author.name == "Andrey Sushentsov"
    assert author.position == "President"
    assert author.location == "Moscow, Russia"
    assert author.regions == ["Russia"]
    assert author.competences == ["United States", "Global Trends"]
    assert author.field_of_expertise.startswith("<p>Andrey is a leading Russian")
    assert "&quot;" not in author.field_of_expertise
    assert '"International Threats".</p>' in author.field_of_expertise
    assert author.work_experience.startswith("<p>Andrey is a director of the Laboratory")
    assert author.work_experience.endswith("Future of Russian-American Relations.</p>")


def test_no_text_of_the_seed_is_lost(seed):
    """Every sentence of the export is somewhere in the parsed result."""
    parsed = " ".join(
        [seed.title, seed.lead, seed.source]
        + [str(value) for _, value in seed.body]
        + [
            " ".join([a.name, a.position, a.location, ", ".join(a.competences)])
            + a.field_of_expertise
            + a.work_experience
            for a in seed.authors
        ]
    )
    for line in SEED.read_text(encoding="utf-8").splitlines():
        text = line.strip().strip("*#").strip()
        for label in (
            "Source:*",
            "Location:**",
            "Competence:**",
            "Field of expertise:**",
            "Work experience:**",
        ):
            text = text.split(label)[-1].strip(" *")
        if not text or text in {"AUTHOR", "07.02.19"} or text.isupper():
            continue
        assert text in parsed, text[:60]


def test_two_authors_in_order_with_all_fields():
    parsed = parse((DATA / "two_authors.txt").read_text())
    assert [a.name for a in parsed.authors] == ["Maria Ivanova", "John Smith"]
    maria, john = parsed.authors
    assert maria.position == "Programme Director"
    assert maria.competences == ["European Union", "Security"]
    assert maria.work_experience == (
        "<p>Ten years at the ministry.</p><p>A second paragraph of work experience.</p>"
    )
    assert john.regions == ["United Kingdom"]
    assert john.field_of_expertise == "<p>Transatlantic relations.</p>"


def test_capital_headings_become_title_case_keeping_acronyms():
    parsed = parse((DATA / "two_authors.txt").read_text())
    assert parsed.title == "NATO and the US: What the EU Expects from the Alliance"
    assert parsed.dropped_headings == 1
    assert ("heading", "Where the Money Goes") in parsed.body
    assert parsed.source == "Global Affairs Weekly"


def test_inline_emphasis_and_quotes_become_rich_text():
    parsed = parse((DATA / "two_authors.txt").read_text())
    assert (
        "paragraph",
        "<p>The first paragraph mentions NATO, the EU and the US, and <i>italic</i> "
        "text with <b>bold</b> words.</p>",
    ) in parsed.body
    assert ("quote", {"text": "A quoted line from a communiqué.", "attribution": ""}) in (
        parsed.body
    )


def test_markup_in_text_is_escaped_not_executed():
    text = (
        (DATA / "two_authors.txt")
        .read_text()
        .replace("A second paragraph, after", "<script>alert(1)</script> after")
    )
    parsed = parse(text)
    assert (
        "paragraph",
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; after a real section heading.</p>",
    ) in parsed.body


@pytest.mark.parametrize(
    ("text", "upper", "expected"),
    [
        ("RUSSIA-JAPAN RELATIONS: A NEW START", set(), "Russia-Japan Relations: A New Start"),
        ("THE ROLE OF THE UN IN ASIA", {"UN"}, "The Role of the UN in Asia"),
        ("WHAT IS IT FOR", set(), "What Is It For"),
    ],
)
def test_title_case(text, upper, expected):
    assert title_case(text, frozenset(upper)) == expected


SEED_TEXT = SEED.read_text(encoding="utf-8") if SEED.exists() else ""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.replace("07.02.19", ""), "not a date"),
        (lambda t: t.replace("07.02.19", "31.02.19"), "not a real date"),
        (lambda t: t.replace("07.02.19", "yesterday"), "not a date"),
        (
            lambda t: t.replace("## WHY IS IT SO DIFFICULT", "WHY IS IT SO DIFFICULT", 1),
            "no '## TITLE' heading",
        ),
        (lambda t: t.replace("**Experts had", "Experts had", 1), "no bold lead"),
        (lambda t: t.split("## AUTHOR")[0], "no '## AUTHOR' section"),
        (lambda t: t.split("**Andrey Sushentsov**")[0], "names no expert"),
        (
            lambda t: t.replace("**Location:**", "**Email:** a@b.c\n\n**Location:**"),
            "unknown field 'Email'",
        ),
        (lambda t: "", "empty"),
    ],
    ids=[
        "no-date",
        "impossible-date",
        "word-date",
        "no-title",
        "no-lead",
        "no-authors",
        "no-author-name",
        "unknown-label",
        "empty",
    ],
)
def test_malformed_files_say_what_is_wrong(change, message):
    with pytest.raises(ExportFormatError, match=message):
        parse(change(SEED_TEXT))
