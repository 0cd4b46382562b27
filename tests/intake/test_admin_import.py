"""The admin import: upload, a preview that writes nothing, confirm; per file all-or-nothing."""

from pathlib import Path

from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from wagtail.models import PageLogEntry, Revision, WorkflowState

import pytest

from experts.models import ExpertPage
from intake.importer import CommentaryImporter
from intake.models import ImportRecord, PendingUpload
from publications.models import Byline, CommentaryPage
from taxonomy.models import Competence, Region

from ..conftest import make_user, sign_in

SEED = Path(__file__).resolve().parents[2] / "intake" / "seed" / "000_4feec85b87209d59.txt"
TWO_AUTHORS = Path(__file__).resolve().parents[1] / "data" / "two_authors.txt"
UPLOAD = "/admin/import/"


def counts():
    return {
        "commentaries": CommentaryPage.objects.count(),
        "experts": ExpertPage.objects.count(),
        "revisions": Revision.objects.count(),
        "bylines": Byline.objects.count(),
        "regions": Region.objects.count(),
        "competences": Competence.objects.count(),
        "log": PageLogEntry.objects.count(),
        "reviews": WorkflowState.objects.count(),
    }


def upload(name, content):
    if isinstance(content, str):
        content = content.encode("utf-8")
    return SimpleUploadedFile(name, content, content_type="text/plain")


def preview(client, *files, **fields):
    response = client.post(UPLOAD, {"files": list(files), "experts": "revise", **fields})
    assert response.status_code == 302, response.content.decode()[:2000]
    batch = response.url.rstrip("/").rsplit("/", 1)[-1]
    page = client.get(response.url)
    assert page.status_code == 200
    return batch, page.content.decode()


def confirm(client, batch, tamper=None):
    data = {f"fingerprint-{row.pk}": row.fingerprint for row in PendingUpload.objects.all()}
    if tamper:
        data = {key: tamper for key in data}
    return client.post(reverse("intake:confirm", args=[batch]), data)


@pytest.fixture
def editor(editorial, client):
    sign_in(client, editorial["editor"])
    return editorial["editor"]


def test_import_is_in_the_admin_menu_for_who_may_add_commentaries_only(editorial):
    reader_group = Group.objects.create(name="Readers")
    reader_group.permissions.add(Permission.objects.get(codename="access_admin"))
    reader = make_user("reader", "Readers")
    for user, shown in [(editorial["author"], True), (editorial["editor"], True), (reader, False)]:
        client = Client()
        sign_in(client, user)
        home = client.get("/admin/").content.decode()
        assert (reverse("intake:upload") in home) is shown, user
        if not shown:
            assert client.get(UPLOAD).status_code in (302, 403)
            response = client.post(UPLOAD, {"files": [upload("a.txt", SEED.read_bytes())]})
            assert response.status_code in (302, 403)
            assert not PendingUpload.objects.exists()
    anonymous = Client().get(UPLOAD)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous.url


def test_preview_of_a_new_file_lists_what_it_would_create_and_writes_nothing(editor, client):
    before = counts()
    _, page = preview(client, upload("nato.txt", TWO_AUTHORS.read_bytes()))
    assert counts() == before
    assert "nato.txt" in page
    assert "will be created as a draft and submitted for review" in page
    assert "Maria Ivanova" in page and "John Smith" in page
    assert "Confirm: import 1 file" in page


def test_confirm_imports_the_new_file_as_a_draft_in_review_by_the_editor(editor, client):
    japan = Region.objects.create(name="Japan")
    batch, _ = preview(
        client, upload("nato.txt", TWO_AUTHORS.read_bytes()), regions=[str(japan.pk)]
    )
    response = confirm(client, batch)
    assert response.status_code == 200
    assert "1 of 1 file imported" in response.content.decode()
    page = CommentaryPage.objects.get(title__startswith="NATO and the US")
    assert not page.live
    assert [t.name for t in page.regions.all()] == ["Japan"]
    state = page.current_workflow_state
    assert state.status == state.STATUS_IN_PROGRESS and state.requested_by == editor
    assert [b.expert.title for b in page.bylines.all()] == ["Maria Ivanova", "John Smith"]
    record = ImportRecord.objects.get(source="admin")
    assert record.page.pk == page.pk and record.user == editor
    assert not PendingUpload.objects.exists()


def test_a_file_that_changes_an_existing_expert_previews_and_submits_a_revision(
    seeded, editor, client
):
    expert = ExpertPage.objects.get(slug="andrey-sushentsov")
    changed = SEED.read_text(encoding="utf-8").replace("\nPresident\n", "\nChief Director\n")
    before = counts()
    batch, page = preview(client, upload("changed.txt", changed))
    assert counts() == before
    assert "Andrey Sushentsov" in page
    assert "a new revision with the changed position" in page
    assert "left as it is; differs in bylines" in page  # the commentary is not overwritten
    confirm(client, batch)
    expert.refresh_from_db()
    assert expert.live and expert.position == "President"
    assert expert.get_latest_revision_as_object().position == "Chief Director"
    assert expert.current_workflow_state.requested_by == editor
    public = Client().get(expert.url).content.decode()
    assert "President" in public and "Chief Director" not in public


def test_a_bad_file_shows_its_errors_and_the_good_one_still_imports(editor, client):
    text = SEED.read_text(encoding="utf-8").replace("07.02.19", "31.02.19")
    batch, page = preview(
        client,
        upload("binary.txt", b"\xff\xfe\x00\x01"),
        upload("bad-date.txt", text),
        upload("nato.txt", TWO_AUTHORS.read_bytes()),
    )
    assert "the file is not UTF-8 text" in page
    assert "not a real date" in page
    assert "Confirm: import 1 file" in page
    response = confirm(client, batch)
    assert response.status_code == 200
    assert "1 of 3 files imported" in response.content.decode()
    assert CommentaryPage.objects.get().title.startswith("NATO and the US")


def test_too_large_and_too_many_files_are_refused_without_an_error_page(editor, client, settings):
    settings.IMPORT_MAX_BYTES = 1000
    _, page = preview(client, upload("big.txt", SEED.read_bytes()))
    assert "at most 1,000 bytes allowed" in page
    assert "Confirm" not in page
    files = [upload(f"{n}.txt", b"x") for n in range(21)]
    response = client.post(UPLOAD, {"files": files, "experts": "revise"})
    assert response.status_code == 200 and "At most 20 files" in response.content.decode()


def test_a_file_changed_between_preview_and_confirm_is_refused(editor, client):
    before = counts()
    batch, _ = preview(client, upload("nato.txt", TWO_AUTHORS.read_bytes()))
    response = confirm(client, batch, tamper="0" * 64)
    assert "not the one you previewed" in response.content.decode()
    assert counts() == before


def test_a_file_whose_pages_changed_since_the_preview_is_refused(editor, client):
    batch, _ = preview(client, upload("nato.txt", TWO_AUTHORS.read_bytes()))
    # Someone imports the same commentary meanwhile: it would no longer be created.
    CommentaryImporter().import_text(TWO_AUTHORS.read_bytes(), "elsewhere.txt")
    before = counts()
    response = confirm(client, batch)
    assert "changed since it was previewed" in response.content.decode()
    assert counts() == before


def test_a_newer_upload_replaces_the_preview(editor, client):
    first, _ = preview(client, upload("nato.txt", TWO_AUTHORS.read_bytes()))
    preview(client, upload("seed.txt", SEED.read_bytes()))
    response = confirm(client, first)
    assert response.status_code == 302 and response.url == UPLOAD
    assert not CommentaryPage.objects.exists()


def test_confirm_needs_the_csrf_token(editorial):
    client = Client(enforce_csrf_checks=True)
    sign_in(client, editorial["editor"])
    response = client.post(UPLOAD, {"files": [upload("nato.txt", TWO_AUTHORS.read_bytes())]})
    assert response.status_code == 403
    assert not PendingUpload.objects.exists()
