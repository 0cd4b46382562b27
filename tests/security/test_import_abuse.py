"""Hostile export files given to `manage.py import_commentary` (and the importer's text API).

Each test is named after an attack. A refused file writes nothing, says what is wrong and on
which line, and the other files of the same run are still imported; the run ends non-zero with
a summary. Nothing here ever ends in a traceback.
"""

import io
import os
import signal
from contextlib import contextmanager, suppress
from pathlib import Path

from django.core.management import CommandError, call_command
from django.db import connection

from wagtail.models import Revision

import pytest

from experts.models import ExpertPage
from intake.export_format import ExportFormatError, parse
from intake.importer import CommentaryImporter
from publications.models import Byline, CommentaryPage
from taxonomy.models import Competence, Region

SEED = Path(__file__).resolve().parents[2] / "intake" / "seed" / "000_4feec85b87209d59.txt"
TWO_AUTHORS = Path(__file__).resolve().parents[1] / "data" / "two_authors.txt"
SEED_TEXT = SEED.read_text(encoding="utf-8")


def counts():
    return (
        CommentaryPage.objects.count(),
        ExpertPage.objects.count(),
        Revision.objects.count(),
        Byline.objects.count(),
        Region.objects.count(),
        Competence.objects.count(),
    )


def run(*paths, options=()):
    """Run the command; returns (stdout, stderr, the CommandError's message or None)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_commentary", *map(str, paths), *options, stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), str(exc)
    return out.getvalue(), err.getvalue(), None


@pytest.fixture
def write(tmp_path):
    def write(name, content):
        path = tmp_path / name
        if isinstance(content, str):
            content = content.encode("utf-8")
        path.write_bytes(content)
        return path

    return write


@pytest.fixture
def good(write):
    """A valid second file: it must be imported whatever happens to the bad one."""
    return write("good.txt", TWO_AUTHORS.read_bytes())


def line_of(text, needle):
    return text[: text.index(needle)].count("\n") + 1


def assert_refused_alone(bad, good, stdout, stderr, error, message):
    assert error == "1 of 2 file(s) not imported; see above."
    assert f"{bad}: {message}" in stderr, stderr
    assert f"{bad}: not imported" in stderr
    assert f"{good}: created" in stdout
    assert "1 of 2 file(s) imported (1 created); 1 not imported." in stdout
    assert CommentaryPage.objects.get().title.startswith("NATO and the US")
    assert "Traceback" not in stderr


# 1. Values the database cannot store, or that do not fit their column.


def test_nul_byte_in_a_file_is_refused_with_its_line_and_the_others_import(site_tree, write, good):
    text = SEED_TEXT.replace("Moreover, both", "More\x00over, both")
    bad = write("nul.txt", text)
    line = line_of(text, "\x00")
    out, err, error = run(bad, good)
    assert_refused_alone(
        bad, good, out, err, error, f"line {line}: contains a NUL byte; an export is plain text"
    )
    assert ExpertPage.objects.count() == 2  # the two authors of the good file only


def test_control_character_in_the_title_is_refused(site_tree, write, good):
    text = SEED_TEXT.replace("## WHY IS IT", "## WHY\x1b[2J IS IT", 1)
    bad = write("escape.txt", text)
    line = line_of(text, "\x1b")
    out, err, error = run(bad, good)
    assert_refused_alone(
        bad, good, out, err, error, f"line {line}: contains the control character U+001B"
    )


def test_position_over_255_characters_is_refused_before_anything_is_written(site_tree, write):
    before = counts()
    text = SEED_TEXT.replace("\nPresident\n", "\n" + "P" * 312 + "\n")
    bad = write("position.txt", text)
    _, err, error = run(bad)
    line = line_of(text, "P" * 312)
    assert f"{bad}: line {line}: position is 312 characters, at most 255" in err
    assert error == "1 of 1 file(s) not imported; see above."
    assert counts() == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda t: t.replace("## WHY IS IT", "## " + "WHY " * 70 + "IS IT", 1),
            "line 5: the title is 341 characters, at most 255",
        ),
        (
            lambda t: t.replace("*Source:* **", "*Source:* **" + "S" * 500, 1),
            "the source is 565 characters, at most 500",
        ),
        (
            lambda t: t.replace("Moreover, both", "## " + "H" * 300 + "\n\nMoreover, both"),
            "a heading is 300 characters, at most 255",
        ),
        (
            lambda t: t.replace("**Andrey Sushentsov**", "**Andrey " + "S" * 260 + "**"),
            "characters, at most 255",
        ),
        (
            lambda t: t.replace("**Andrey Sushentsov**", "**Andrey " + "S" * 120 + "**"),
            "the surname is 120 characters, at most 100",
        ),
        (
            lambda t: t.replace("Moscow, Russia", "Moscow, " + "R" * 300),
            "location is 308 characters, at most 255",
        ),
        (
            lambda t: t.replace("**Competence:** United States", "**Competence:** " + "U" * 101),
            f"the competence {'U' * 40!r} is 101 characters, at most 100",
        ),
    ],
    ids=["title", "source", "heading", "expert-name", "surname", "location", "competence"],
)
def test_any_field_over_its_column_length_is_refused_and_named(site_tree, write, change, message):
    before = counts()
    bad = write("long.txt", change(SEED_TEXT))
    _, err, error = run(bad)
    assert message in err, err
    assert error
    assert counts() == before


def test_region_option_over_its_column_length_is_refused(site_tree):
    before = counts()
    _, err, error = run(SEED, options=["--region", "R" * 101])
    assert "is 101 characters, at most 100" in err
    assert error
    assert counts() == before


# 2. A failure only the database sees stops that file alone.


@pytest.fixture
def database_refuses_a_lead():
    """A rule the importer cannot know of, in the database itself: it refuses one lead."""
    table = CommentaryPage._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT test_refused_lead "
                "CHECK (lead NOT ILIKE '%refused by the database%')"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER test_refused_lead BEFORE INSERT ON {table} "
                "WHEN NEW.lead LIKE '%refused by the database%' "
                "BEGIN SELECT RAISE(ABORT, 'refused by the database'); END"
            )
    # The test's transaction is rolled back at the end, and the rule with it.


def test_database_error_in_one_file_does_not_stop_the_others(
    site_tree, write, good, database_refuses_a_lead
):
    bad = write("refused.txt", SEED_TEXT.replace("**Experts had", "**Refused by the database", 1))
    out, err, error = run(bad, good)
    assert_refused_alone(bad, good, out, err, error, "the database refused it (IntegrityError")
    # The expert the refused file created before its commentary was rolled back with it.
    assert not ExpertPage.objects.filter(slug="andrey-sushentsov").exists()


# 3. Size.


def test_file_over_the_size_limit_is_refused(site_tree, write, good):
    padding = ("A paragraph of padding. " * 40 + "\n\n") * 18_000  # 17.3 million bytes
    bad = write("huge.txt", SEED_TEXT.replace("Moreover, both", padding + "Moreover, both"))
    assert bad.stat().st_size > 17_000_000
    out, err, error = run(bad, good)
    assert_refused_alone(bad, good, out, err, error, "the file is 16.5 MB (17,322,807 bytes)")
    assert "at most 2.0 MB (2,097,152 bytes) allowed" in err


def test_max_bytes_option_and_setting_lower_the_limit(site_tree, settings):
    size = SEED.stat().st_size
    _, err, error = run(SEED, options=["--max-bytes", "1000"])
    assert f"the file is {size:,} bytes, at most 1,000 bytes allowed" in err
    settings.IMPORT_MAX_BYTES = 2000
    _, err, error = run(SEED)
    assert "at most 2,000 bytes allowed" in err and error
    assert CommentaryPage.objects.count() == 0
    out, _, error = run(SEED, options=["--max-bytes", str(size)])
    assert error is None and "created" in out


@contextmanager
def time_limit(seconds):
    """Fail (not skip) when the block takes longer: a guard against catastrophic backtracking,
    not a timing test (a linear parser needs a small fraction of it)."""

    def expired(signum, frame):
        raise AssertionError(f"still running after {seconds} s: super-linear parsing")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_fifo_is_refused_without_waiting_for_a_writer(site_tree, tmp_path, good):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with time_limit(5):
        out, err, error = run(fifo, good)
    assert_refused_alone(fifo, good, out, err, error, "this is not a regular file")


# 4. Pathological lines: parsing is linear in the length of the file.

MILLION = 1_000_000


@pytest.mark.parametrize(
    ("where", "block"),
    [
        ("title", "## X" + " " * MILLION + "Y"),
        ("body", "## x" + " " * MILLION + "y"),
        ("body", "## x" + "\t" * MILLION + "y"),
        ("body", "## " + " #" * (MILLION // 2) + " y"),
        ("body", "[" * MILLION),
        ("body", "[a](http://" * (MILLION // 11)),
        ("body", "**a" * (MILLION // 3)),
        ("body", "*a" * (MILLION // 2)),
        ("author", "**" + "a" * MILLION + "*"),
    ],
    ids=[
        "title-spaces",
        "heading-spaces",
        "heading-tabs",
        "heading-hashes",
        "brackets",
        "unclosed-links",
        "unclosed-bold",
        "unclosed-italic",
        "unclosed-label",
    ],
)
def test_pathological_heading_of_a_million_characters_parses_in_linear_time(where, block):
    if where == "title":
        text = SEED_TEXT.replace("## WHY IS IT SO DIFFICULT FOR RUSSIA AND JAPAN", block, 1)
    elif where == "body":
        text = SEED_TEXT.replace("Moreover, both", block + "\n\nMoreover, both", 1)
    else:
        text = SEED_TEXT.replace("**Location:**", block + "\n\n**Location:**", 1)
    # Refusing it is fine; taking quadratic time is not.
    with time_limit(5), suppress(ExportFormatError):
        parse(text)


def test_pathological_heading_through_the_command_is_refused_quickly(site_tree, write):
    bad = write("slow.txt", SEED_TEXT.replace("Moreover, both", "## x" + " " * 30_000 + "y\n\n"))
    with time_limit(5):
        _, err, error = run(bad)
    assert "a heading is 30,002 characters, at most 255" in err
    assert error


# 5. Files that are not exports at all.


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"07.02.19\n\n## TITLE\n\n\xff\xfe", "line 5: the file is not UTF-8 text (byte 0xff"),
        (b"", "the file is empty"),
        (b"\n \n\t\n", "the file is empty"),
    ],
    ids=["invalid-utf8", "empty", "blank"],
)
def test_file_that_is_not_an_export_is_refused_with_a_clear_message(
    site_tree, write, good, content, message
):
    bad = write("bad.txt", content)
    out, err, error = run(bad, good)
    assert_refused_alone(bad, good, out, err, error, message)


def test_directory_and_missing_file_are_refused_with_a_clear_message(site_tree, tmp_path, good):
    missing = tmp_path / "missing.txt"
    out, err, error = run(tmp_path, missing, good)
    assert error == "2 of 3 file(s) not imported; see above."
    assert f"{tmp_path}: this is a directory, not an export file" in err
    assert f"{missing}: there is no such file" in err
    assert f"{good}: created" in out


# The importer's API for the admin: bytes and a name in, a result out, never an exception.


def test_import_text_api_returns_a_result_for_good_and_bad_input(site_tree):
    importer = CommentaryImporter()
    result = importer.import_text(SEED.read_bytes(), "upload.txt", regions=["Japan"])
    assert result.ok and result.changed and result.status == "created"
    assert result.page.slug.startswith("why-is-it-so-difficult")
    assert result.experts == {"Andrey Sushentsov": "created"}
    again = importer.import_text(SEED_TEXT, "again.txt", regions=["Japan"])
    assert again.ok and not again.changed and again.status == "unchanged"

    before = counts()
    bad = importer.import_text(
        SEED_TEXT.replace("\nPresident\n", "\n" + "P" * 312 + "\n").encode(), "bad.txt"
    )
    assert not bad.ok and bad.status == "failed" and bad.page is None
    assert [str(problem) for problem in bad.errors] == [
        f"line {line_of(SEED_TEXT, '\nPresident\n') + 1}: position is 312 characters, at most 255"
    ]
    assert counts() == before
    big = CommentaryImporter(max_bytes=100).import_text(SEED.read_bytes(), "big.txt")
    assert [str(problem) for problem in big.errors] == [
        f"the file is {SEED.stat().st_size:,} bytes, at most 100 bytes allowed"
    ]
