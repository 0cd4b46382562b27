"""import_commentary: idempotent, revision-aware and all-or-nothing per file."""

import io
import shutil
from pathlib import Path

from django.core.management import CommandError, call_command

from wagtail.models import PageLogEntry, Revision

import pytest

from editorial.roles import ensure_editorial_setup
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


@pytest.fixture
def review(site_tree):
    """The site tree with the editorial roles and the review workflow, as load_seed makes it."""
    ensure_editorial_setup()
    return site_tree


def in_review(page):
    state = page.current_workflow_state
    return state is not None and state.status == state.STATUS_IN_PROGRESS


def test_import_creates_commentary_and_expert_as_drafts_submitted_for_review(review):
    out, _ = run_import(SEED, "--region", "Japan", "--competence", "Global Trends")
    page = CommentaryPage.objects.get()
    assert not page.live and in_review(page)
    assert page.current_workflow_state.workflow.name == "Editorial review"
    assert page.current_workflow_state.requested_by.username == "importer"
    assert page.slug == "why-is-it-so-difficult-for-russia-and-japan-to-come-to-agreement"
    assert [t.name for t in page.regions.all()] == ["Japan"]
    assert [t.name for t in page.competences.all()] == ["Global Trends"]
    expert = ExpertPage.objects.get(slug="andrey-sushentsov")
    assert not expert.live and in_review(expert)
    assert expert.surname == "Sushentsov"
    assert sorted(t.name for t in expert.competences.all()) == ["Global Trends", "United States"]
    assert [t.name for t in expert.regions.all()] == ["Russia"]
    assert page.bylines.get().position == "President"
    assert page.bylines.get().expert == expert
    assert "created" in out


def test_user_option_names_who_submits_the_import(review):
    from tests.conftest import make_user

    make_user("maria")
    run_import(SEED, "--user", "maria")
    assert CommentaryPage.objects.get().current_workflow_state.requested_by.username == "maria"
    with pytest.raises(CommandError, match="no user 'nobody'"):
        run_import(SEED, "--user", "nobody")


def test_reimporting_the_same_file_changes_nothing(site_tree):
    run_import(SEED, "--region", "Japan")
    before = counts()
    out, _ = run_import(SEED, "--region", "Japan")
    assert counts() == before
    assert "unchanged" in out


def test_changed_commentary_is_reported_and_left_as_the_editors_have_it(seeded, tmp_copy):
    page = CommentaryPage.objects.get()
    before = counts()
    changed = tmp_copy(SEED, lambda t: t.replace("Any haste is out of place here.", "Haste!"))
    out, _ = run_import(changed)
    assert counts() == before
    page.refresh_from_db()
    assert "Haste!" not in str(page.get_latest_revision_as_object().body)
    assert f"{changed}: skipped" in out
    assert "differs in body" in out and "edit it in the admin" in out


def test_changed_expert_profile_becomes_a_revision_in_review_with_only_the_changed_fields(
    seeded, tmp_copy
):
    expert = ExpertPage.objects.get()
    # What editors added beyond the file (here the title for search engines) stays.
    draft = expert.get_latest_revision_as_object()
    draft.seo_title = "Andrey Sushentsov on Russian foreign policy"
    draft.save_revision().publish()
    changed = tmp_copy(SEED, lambda t: t.replace("\nPresident\n", "\nDirector\n"))
    out, _ = run_import(changed)
    expert.refresh_from_db()
    latest = expert.get_latest_revision_as_object()
    assert latest.position == "Director"
    assert latest.seo_title == "Andrey Sushentsov on Russian foreign policy"
    assert expert.position == "President"  # live until the review publishes the revision
    assert in_review(expert)
    assert "experts: Andrey Sushentsov (revised)" in out
    assert "differs in position" in out
    # The commentary signed "President" is the editors': its byline is not rewritten.
    assert CommentaryPage.objects.get().bylines.get().position == "President"


def test_skip_changed_experts_reports_the_differences_and_writes_nothing(seeded, tmp_copy):
    before = counts()
    changed = tmp_copy(SEED, lambda t: t.replace("\nPresident\n", "\nDirector\n"))
    out, _ = run_import(changed, "--skip-changed-experts")
    assert counts() == before
    assert "expert 'Andrey Sushentsov': skipped (differs in position); left as it is" in out
    assert not in_review(ExpertPage.objects.get())


def test_expert_already_in_review_is_not_revised_again(seeded, tmp_copy):
    changed = tmp_copy(SEED, lambda t: t.replace("\nPresident\n", "\nDirector\n"))
    run_import(changed)
    expert = ExpertPage.objects.get()
    revisions = expert.revisions.count()
    again = tmp_copy(SEED, lambda t: t.replace("\nPresident\n", "\nChair\n"))
    out, _ = run_import(again)
    assert expert.revisions.count() == revisions
    assert "the profile is in review; left as it is" in out


def test_two_author_file_keeps_byline_order(site_tree):
    run_import(DATA / "two_authors.txt")
    page = CommentaryPage.objects.get()
    assert [(b.sort_order, b.expert.title, b.position) for b in page.bylines.all()] == [
        (0, "Maria Ivanova", "Programme Director"),
        (1, "John Smith", "Senior Fellow"),
    ]


def test_draft_option_imports_without_publishing_or_submitting(review):
    run_import(SEED, "--draft")
    for page in (CommentaryPage.objects.get(), ExpertPage.objects.get()):
        assert not page.live and not in_review(page)


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


def test_reimport_without_region_keeps_the_commentarys_tags(site_tree):
    run_import(SEED, "--region", "Japan", "--competence", "Global Trends")
    run_import(SEED)
    page = CommentaryPage.objects.get()
    for version in (page, page.get_latest_revision_as_object()):
        assert [t.name for t in version.regions.all()] == ["Japan"]
        assert [t.name for t in version.competences.all()] == ["Global Trends"]


def test_draft_option_keeps_the_tags(site_tree):
    run_import(SEED, "--draft", "--region", "Japan", "--competence", "Global Trends")
    page = CommentaryPage.objects.get()
    assert not page.live
    draft = page.get_latest_revision_as_object()
    assert [t.name for t in draft.regions.all()] == ["Japan"]
    assert [t.name for t in draft.competences.all()] == ["Global Trends"]
    assert [
        t.name for t in ExpertPage.objects.get().get_latest_revision_as_object().regions.all()
    ] == ["Russia"]


def test_importing_over_a_live_expert_leaves_the_live_profile_and_submits_a_revision(
    seeded, tmp_copy, client
):
    expert = ExpertPage.objects.get()
    live_revision = expert.live_revision_id
    changed = tmp_copy(SEED, lambda t: t.replace("\nPresident\n", "\nDirector\n"))
    run_import(changed)
    expert.refresh_from_db()
    assert expert.live and expert.live_revision_id == live_revision
    assert expert.position == "President"
    assert [t.name for t in expert.regions.all()] == ["Russia"]
    assert "President" in client.get(expert.url).content.decode()
    latest = expert.get_latest_revision_as_object()
    assert latest.position == "Director"
    state = expert.current_workflow_state
    assert state is not None and state.status == state.STATUS_IN_PROGRESS
    assert state.workflow.name == "Editorial review"


def test_draft_import_over_a_tagged_commentary_keeps_its_tags(seeded, tmp_copy):
    changed = tmp_copy(SEED, lambda t: t.replace("Any haste is out of place here.", "Haste!"))
    run_import(changed, "--draft")
    page = CommentaryPage.objects.get()
    for version in (page, page.get_latest_revision_as_object()):
        assert sorted(t.name for t in version.regions.all()) == ["East Asia", "Japan", "Russia"]
        assert sorted(t.name for t in version.competences.all()) == [
            "Global Trends",
            "United States",
        ]
