"""import_commentary: idempotent, revision-aware and all-or-nothing per file."""

import io
import shutil
from pathlib import Path

from django.core.management import CommandError, call_command

from wagtail.models import PageLogEntry, Revision

import pytest

from experts.models import ExpertPage
from publications.models import Byline, CommentaryPage
from taxonomy.models import Competence, Region

from .test_export_format import DATA, SEED


def run_import(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_commentary", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def counts():
    return {
        "commentaries": CommentaryPage.objects.count(),
        "experts": ExpertPage.objects.count(),
        "revisions": Revision.objects.count(),
        "bylines": Byline.objects.count(),
        "regions": Region.objects.count(),
        "competences": Competence.objects.count(),
        "log": PageLogEntry.objects.count(),
    }


@pytest.fixture
def tmp_copy(tmp_path):
    def copy(source, change=lambda text: text):
        path = tmp_path / Path(source).name
        path.write_text(change(Path(source).read_text(encoding="utf-8")), encoding="utf-8")
        return path

    return copy


def test_import_creates_live_commentary_and_expert(site_tree):
    out, _ = run_import(SEED, "--region", "Japan", "--competence", "Global Trends")
    page = CommentaryPage.objects.get()
    assert page.live
    assert page.slug == "why-is-it-so-difficult-for-russia-and-japan-to-come-to-agreement"
    assert [t.name for t in page.regions.all()] == ["Japan"]
    expert = ExpertPage.objects.get(slug="andrey-sushentsov")
    assert expert.live and expert.surname == "Sushentsov"
    assert sorted(t.name for t in expert.competences.all()) == ["Global Trends", "United States"]
    assert [t.name for t in expert.regions.all()] == ["Russia"]
    assert page.bylines.get().position == "President"
    assert "created" in out


def test_reimporting_the_same_file_changes_nothing(site_tree):
    run_import(SEED, "--region", "Japan")
    before = counts()
    out, _ = run_import(SEED, "--region", "Japan")
    assert counts() == before
    assert "unchanged" in out


def test_changed_text_becomes_a_new_revision(site_tree, tmp_copy):
    run_import(SEED)
    page = CommentaryPage.objects.get()
    revisions = page.revisions.count()
    changed = tmp_copy(SEED, lambda t: t.replace("Any haste is out of place here.", "Haste!"))
    out, _ = run_import(changed)
    page.refresh_from_db()
    assert CommentaryPage.objects.count() == 1
    assert page.revisions.count() == revisions + 1
    assert "Haste!" in str(page.body)
    assert "updated" in out


def test_changed_expert_profile_becomes_a_new_revision(site_tree, tmp_copy):
    run_import(SEED)
    expert = ExpertPage.objects.get()
    changed = tmp_copy(SEED, lambda t: t.replace("\nPresident\n", "\nDirector\n"))
    run_import(changed)
    expert.refresh_from_db()
    assert expert.position == "Director"
    assert expert.revisions.count() == 2
    # The old commentary keeps the position it was signed with only in its old revision;
    # the re-imported file says Director, so the byline follows the file.
    assert CommentaryPage.objects.get().bylines.get().position == "Director"


def test_two_author_file_keeps_byline_order(site_tree):
    run_import(DATA / "two_authors.txt")
    page = CommentaryPage.objects.get()
    assert [(b.sort_order, b.expert.title, b.position) for b in page.bylines.all()] == [
        (0, "Maria Ivanova", "Programme Director"),
        (1, "John Smith", "Senior Fellow"),
    ]


def test_draft_option_imports_without_publishing(site_tree):
    run_import(SEED, "--draft")
    assert not CommentaryPage.objects.get().live
    assert not ExpertPage.objects.get().live


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda t: t.replace("07.02.19", "31.02.19"), "not a real date"),
        (lambda t: t.replace("**Experts had", "Experts had", 1), "no bold lead"),
        (lambda t: t.split("## AUTHOR")[0], "AUTHOR"),
        (lambda t: t.replace("**Location:**", "**Email:** x\n\n**Location:**"), "Email"),
    ],
)
def test_malformed_file_writes_nothing_and_names_file_and_reason(
    site_tree, tmp_copy, change, reason
):
    before = counts()
    bad = tmp_copy(SEED, change)
    with pytest.raises(CommandError):
        call_command(
            "import_commentary", str(bad), stdout=io.StringIO(), stderr=(err := io.StringIO())
        )
    assert str(bad) in err.getvalue() and reason in err.getvalue()
    assert counts() == before


def test_failure_late_in_a_file_rolls_back_the_experts_it_created(site_tree, tmp_copy):
    """A title too long for the page model fails after the expert is written: all undone."""
    before = counts()
    bad = tmp_copy(SEED, lambda t: t.replace("## WHY IS IT", "## " + "VERY " * 60 + "WHY IS IT", 1))
    with pytest.raises(CommandError):
        call_command("import_commentary", str(bad), stdout=io.StringIO(), stderr=io.StringIO())
    assert counts() == before


def test_one_bad_file_does_not_stop_the_others(site_tree, tmp_copy, tmp_path):
    bad = tmp_copy(SEED, lambda t: t.replace("07.02.19", "99.99.99"))
    good = tmp_path / "good.txt"
    shutil.copy(DATA / "two_authors.txt", good)
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 of 2"):
        call_command("import_commentary", str(bad), str(good), stdout=io.StringIO(), stderr=err)
    assert CommentaryPage.objects.count() == 1
    assert "99.99.99" in err.getvalue()


def test_missing_and_binary_files_are_reported(site_tree, tmp_path):
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\xff\xfe\x00\x01")
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 of 2"):
        call_command(
            "import_commentary",
            str(tmp_path / "nope.txt"),
            str(binary),
            stdout=io.StringIO(),
            stderr=err,
        )
    assert "nope.txt" in err.getvalue() and "not UTF-8" in err.getvalue()
