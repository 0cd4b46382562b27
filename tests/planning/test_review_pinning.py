"""Review links show fixed content: Wagtail's autosave rewrites the latest revision in place
(`save_revision(overwrite_revision=...)`), so a revision id alone does not say what a reviewer
read. A "this version only" link shows a copy taken when it was made, and every answer is
recorded against the copy the reviewer was shown."""

import datetime

from django.test import Client
from django.urls import reverse

from wagtail.models import PageLogEntry, Revision

import pytest
from bs4 import BeautifulSoup

from planning.models import ReviewLinkEvent, ReviewSnapshot, content_hash

from ..conftest import sign_in
from ..workflow.conftest import commentary_form
from .conftest import planned
from .test_review_links import answer, create_link, link_url, review_path, reviewer

D = datetime.date
SENT = "The text as it was sent."
LATER = "Rewritten after the link was sent."


@pytest.fixture
def draft(planning, frozen):
    editor = planning["second_editor"]
    return planned(planning, "Grain Corridors", D(2026, 3, 10), D(2026, 3, 16), editor=editor)


def autosave(client, user, page, overwrite=None, **changes):
    """What the editor's autosave posts: the edit form, asking for JSON, and from its second
    save on the id of the revision its first save created, to be rewritten in place."""
    sign_in(client, user)
    data = commentary_form(page, **changes)
    if overwrite is not None:
        data["overwrite_revision_id"] = str(overwrite.pk)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]), data, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200 and response.json()["success"], response.content
    client.logout()
    return Revision.objects.get(pk=response.json()["revision_id"])


def overwrite_as_autosave(page, revision, **changes):
    """`EditView.save_action` with an `overwrite_revision_id`: the same call, the same kwargs."""
    page = page.get_latest_revision_as_object()
    for name, value in changes.items():
        setattr(page, name, value)
    return page.save_revision(
        user=revision.user,
        log_action=True,
        previous_revision=None,
        overwrite_revision=revision,
        clean=False,
    )


def lead(response):
    return BeautifulSoup(response.content, "html.parser").select_one(".lead").get_text()


def test_autosave_rewrites_the_revision_a_pinned_link_was_made_from_in_place(planning, draft):
    """The premise: after the overwrite, the pinned revision's id holds other content."""
    revision = draft.get_latest_revision()
    overwritten = overwrite_as_autosave(draft, revision, lead=LATER)
    assert overwritten.pk == revision.pk
    revision.refresh_from_db()
    assert revision.content["lead"] == LATER


def test_a_pinned_link_shows_what_was_sent_after_autosave_rewrites_its_revision(
    planning, draft, client
):
    editor = planning["second_editor"]
    first = autosave(client, editor, draft, lead=SENT)  # the editor's first autosave
    path = review_path(link_url(create_link(client, planning["editor"], draft)))
    again = autosave(client, editor, draft, overwrite=first, lead=LATER)
    assert again.pk == first.pk and Revision.objects.get(pk=first.pk).content["lead"] == LATER

    response = Client().get(path)
    assert response.status_code == 200 and lead(response) == SENT

    browser = reviewer()
    assert answer(browser, path, "approve", comment="Fine.").status_code == 302
    event = ReviewLinkEvent.objects.get(action="approve")
    assert event.snapshot.content["lead"] == SENT
    assert event.content_hash == event.snapshot.content_hash
    assert event.content_hash != content_hash(Revision.objects.get(pk=first.pk).content)
    assert event.revision is None  # the revision no longer holds what was read
    entry = PageLogEntry.objects.get(page=draft, action="planning.review.approve")
    assert entry.data["content_hash"] == event.content_hash
    assert entry.data["snapshot"] == event.snapshot_id and entry.revision is None


def test_an_answer_through_a_pinned_link_keeps_its_revision_while_unchanged(planning, draft):
    client = Client()
    path = review_path(link_url(create_link(client, planning["editor"], draft)))
    answer(reviewer(), path, "comment", comment="One remark.")
    event = ReviewLinkEvent.objects.get(action="comment")
    assert event.revision == draft.get_latest_revision()
    assert event.content_hash == content_hash(draft.get_latest_revision().content)


def test_the_editors_see_which_content_an_answer_refers_to_and_that_it_changed(
    planning, draft, client
):
    revision = draft.get_latest_revision()
    path = review_path(link_url(create_link(client, planning["editor"], draft)))
    answer(reviewer(), path, "approve", comment="Good.")
    overwrite_as_autosave(draft, revision, lead=LATER)

    sign_in(client, planning["editor"])
    listing = client.get(reverse("planning:review_links", args=[draft.pk]))
    soup = BeautifulSoup(listing.content, "html.parser")
    row = next(r for r in soup.select("table")[1].select("tbody tr") if "Approval" in r.text)
    assert "not the current draft" in row.get_text(" ", strip=True)
    shown = client.get(row.select_one("a[href*=review-snapshots]")["href"])
    assert shown.status_code == 200 and lead(shown) == "A short lead."
    assert "The current draft differs from it." in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]


def test_only_editors_may_open_a_snapshot(planning, draft, client):
    path = review_path(link_url(create_link(client, planning["editor"], draft)))
    assert Client().get(path).status_code == 200
    url = reverse("planning:review_snapshot", args=[ReviewSnapshot.objects.get().pk])
    sign_in(client, planning["author"])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    client.logout()
    assert client.get(url).status_code == 302  # to the admin login


def test_a_latest_draft_link_records_the_version_read_not_the_one_saved_since(
    planning, draft, client
):
    path = review_path(link_url(create_link(client, planning["editor"], draft, version="latest")))
    browser = reviewer()
    read = BeautifulSoup(browser.get(path).content, "html.parser")
    assert read.select_one(".lead").get_text() == "A short lead."
    overwrite_as_autosave(draft, draft.get_latest_revision(), lead=LATER)

    form = read.select_one("#review form")
    data = {field["name"]: field.get("value", "") for field in form.select("input[name]")}
    response = browser.post(path, {**data, "action": "request_changes", "comment": "Cut 2."})
    assert response.status_code == 302

    event = ReviewLinkEvent.objects.get(action="request_changes")
    assert event.snapshot.content["lead"] == "A short lead."
    visit = ReviewLinkEvent.objects.get(action="visit")
    assert event.snapshot == visit.snapshot and event.content_hash == visit.content_hash
    assert lead(browser.get(path)) == LATER  # the link itself follows the draft


def test_a_latest_draft_answer_with_a_forged_version_is_refused_with_the_comment_kept(
    planning, draft, client
):
    path = review_path(link_url(create_link(client, planning["editor"], draft, version="latest")))
    browser = reviewer()
    read = BeautifulSoup(browser.get(path).content, "html.parser")
    token = read.select_one("#review input[name=csrfmiddlewaretoken]")["value"]
    other = ReviewSnapshot.objects.get().pk
    for seen in ("", str(other), "x" * 5000):
        response = browser.post(
            path,
            {"csrfmiddlewaretoken": token, "seen": seen, "action": "approve", "comment": "Kept."},
        )
        assert response.status_code == 200
        page = BeautifulSoup(response.content, "html.parser")
        assert "could not tell which version you read" in page.select_one("[role=alert]").text
        assert page.select_one("#id_comment").get_text() == "Kept."
    assert not ReviewLinkEvent.objects.filter(action="approve").exists()
    assert not PageLogEntry.objects.filter(action__startswith="planning.review.").exists()


def test_a_signed_version_from_another_link_is_refused(planning, draft, client):
    first = review_path(link_url(create_link(client, planning["editor"], draft, version="latest")))
    second = review_path(link_url(create_link(client, planning["editor"], draft, version="latest")))
    browser = reviewer()
    read = BeautifulSoup(browser.get(first).content, "html.parser")
    seen = read.select_one("#review input[name=seen]")["value"]
    token = read.select_one("#review input[name=csrfmiddlewaretoken]")["value"]
    response = browser.post(
        second, {"csrfmiddlewaretoken": token, "seen": seen, "action": "approve"}
    )
    assert response.status_code == 200
    assert not ReviewLinkEvent.objects.filter(action="approve").exists()


def test_the_same_content_is_one_snapshot(planning, draft, client):
    for _ in range(2):
        create_link(client, planning["editor"], draft)
    assert ReviewSnapshot.objects.count() == 1
    overwrite_as_autosave(draft, draft.get_latest_revision(), lead=LATER)
    create_link(client, planning["editor"], draft)
    assert ReviewSnapshot.objects.count() == 2
