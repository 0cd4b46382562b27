"""Review links: an outside reviewer sees one draft, without an account, until expiry or revocation,
and answers from it; the answer lands in the page's history and reaches the responsible editor."""

import datetime
import re
import secrets
from urllib.parse import urlsplit

from django.core import mail
from django.test import Client
from django.urls import reverse

from wagtail.models import PageLogEntry, Revision

import pytest
import time_machine
from bs4 import BeautifulSoup

from planning.models import ReviewLink, ReviewLinkEvent
from planning.tokens import hash_token

from ..conftest import sign_in
from ..factories.publications import CommentaryPageFactory
from ..workflow.conftest import edit
from .conftest import NOW, planned

D = datetime.date


@pytest.fixture
def draft(planning, frozen):
    editor = planning["second_editor"]
    return planned(planning, "Grain Corridors", D(2026, 3, 10), D(2026, 3, 16), editor=editor)


def create_link(client, user, page, **changes):
    sign_in(client, user)
    data = {
        "reviewer_name": "Jane Doe",
        "reviewer_email": "jane@example.net",
        "days": 7,
        "version": "pinned",
        "send_email": "on",
        **changes,
    }
    response = client.post(reverse("planning:review_links", args=[page.pk]), data)
    client.logout()
    return response


def link_url(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser").select_one("#new-review-url")["href"]


def review_path(url):
    return urlsplit(url).path


@pytest.fixture
def link(planning, draft, client):
    return review_path(link_url(create_link(client, planning["editor"], draft)))


def reviewer():
    return Client(enforce_csrf_checks=True)


def answer(browser, path, action, comment=""):
    """Post from the review page as a browser would: with the form's CSRF token."""
    page = BeautifulSoup(browser.get(path).content, "html.parser")
    token = page.select_one("#review input[name=csrfmiddlewaretoken]")["value"]
    return browser.post(path, {"csrfmiddlewaretoken": token, "action": action, "comment": comment})


def test_creating_a_link_shows_it_once_stores_its_hash_and_emails_the_reviewer(
    planning, draft, client
):
    mail.outbox.clear()
    url = link_url(create_link(client, planning["editor"], draft))
    token = re.search(r"/review/([^/]+)/$", url).group(1)
    found = ReviewLink.objects.get()
    assert len(token) >= 43 and found.token_hash == hash_token(token)
    assert found.expires_at == NOW + datetime.timedelta(days=7)
    assert found.pinned and found.revision == draft.get_latest_revision()
    assert found.created_by == planning["editor"]
    assert [m.to for m in mail.outbox] == [["jane@example.net"]]
    assert url in mail.outbox[0].body
    assert PageLogEntry.objects.filter(page=draft, action="planning.review_link.create").exists()
    sign_in(client, planning["editor"])
    listing = client.get(reverse("planning:review_links", args=[draft.pk])).content.decode()
    assert token not in listing and "Jane Doe" in listing


def test_the_reviewer_sees_the_draft_through_the_real_template(link, draft):
    response = Client().get(link)
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one("article.commentary h1").get_text() == "Grain Corridors"
    assert page.select_one(".lead").get_text() == draft.lead
    assert page.select_one(".site-header")  # the site's own base template
    banner = page.body.find(recursive=False, class_="review-banner")
    assert banner and "Draft for review: not published." in banner.get_text()
    assert "Shared with Jane Doe" in banner.get_text()
    assert page.head.select_one("meta[name=robots]")["content"].startswith("noindex")
    assert response["X-Robots-Tag"].startswith("noindex")
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "same-origin"
    assert list(ReviewLinkEvent.objects.values_list("action", flat=True)) == ["visit"]


def test_the_draft_itself_stays_unpublished(link, draft):
    assert Client().get(link).status_code == 200
    assert Client().get(draft.url or "/publications/grain-corridors/").status_code == 404


def test_a_link_works_until_it_expires_then_answers_410(link, draft):
    with time_machine.travel(NOW + datetime.timedelta(days=6, hours=23), tick=False):
        assert Client().get(link).status_code == 200
    with time_machine.travel(NOW + datetime.timedelta(days=7, minutes=1), tick=False):
        response = Client().get(link)
        posted = answer_without_form(link)
    assert response.status_code == 410 and posted.status_code == 410
    text = response.content.decode()
    assert "This review link expired on 11 March 2026, 10:00" in text
    assert "Grain Corridors" not in text
    assert response["Cache-Control"] == "no-store"
    assert ReviewLinkEvent.objects.filter(action="refused").count() == 2
    assert not PageLogEntry.objects.filter(action__startswith="planning.review.").exists()


def answer_without_form(path):
    return Client().post(path, {"action": "approve"})


def test_a_chosen_number_of_days(planning, draft, client):
    create_link(client, planning["editor"], draft, days=2)
    assert ReviewLink.objects.get().expires_at == NOW + datetime.timedelta(days=2)
    response = create_link(client, planning["editor"], draft, days=365)
    assert response.status_code == 200 and "days" in response.context["form"].errors


def test_a_revoked_link_stops_at_once(planning, link, draft, client):
    sign_in(client, planning["editor"])
    found = ReviewLink.objects.get()
    response = client.post(reverse("planning:review_link_revoke", args=[found.pk]))
    assert response.status_code == 302
    response = Client().get(link)
    assert response.status_code == 410
    assert "withdrawn by the editors" in response.content.decode()
    assert "Grain Corridors" not in response.content.decode()
    assert PageLogEntry.objects.filter(page=draft, action="planning.review_link.revoke").exists()


def test_any_wrong_token_gets_the_same_404_revealing_nothing(link):
    real = link.split("/")[2]
    wrong = [
        secrets.token_urlsafe(32),
        real[:-1] + ("A" if real[-1] != "A" else "B"),
        real[:20],
        "x" * 300,
    ]
    bodies = set()
    for token in wrong:
        response = Client().get(f"/review/{token}/")
        assert response.status_code == 404
        assert b"Grain Corridors" not in response.content
        bodies.add(response.content)
    assert len(bodies) == 1
    assert not ReviewLinkEvent.objects.exists()


def test_a_pinned_link_keeps_its_version_a_following_link_shows_the_latest(planning, draft, client):
    pinned = review_path(link_url(create_link(client, planning["editor"], draft)))
    latest = review_path(link_url(create_link(client, planning["editor"], draft, version="latest")))
    assert edit(client, planning["editor"], draft, lead="The second version.").status_code == 302

    def lead(path):
        return BeautifulSoup(Client().get(path).content, "html.parser").select_one(".lead").text

    assert lead(pinned) == draft.lead
    assert lead(latest) == "The second version."


def test_a_pinned_link_shows_its_copy_even_after_its_revision_was_purged(link, draft):
    draft.lead = "A later lead."
    draft.save_revision()  # the pinned revision is no longer the latest
    ReviewLink.objects.get().revision.delete()
    response = Client().get(link)
    assert response.status_code == 200
    lead = BeautifulSoup(response.content, "html.parser").select_one(".lead").text
    assert lead == "A short lead."


def test_a_pinned_link_with_nothing_left_to_show_refuses_to_show_another(link, draft):
    draft.save_revision()
    # A link made before snapshots existed, whose revision was purged: nothing is left of it.
    ReviewLink.objects.update(snapshot=None, revision=None)
    response = Client().get(link)
    assert response.status_code == 410
    assert "no longer exists" in response.content.decode()


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("approve", "Approved by Jane Doe (outside reviewer, through a review link)"),
        ("request_changes", "Changes requested by Jane Doe (outside reviewer, through a review"),
        ("comment", "Comment from Jane Doe (outside reviewer, through a review link)"),
    ],
)
def test_answers_land_in_the_page_history(planning, link, draft, client, action, message):
    browser = reviewer()
    response = answer(browser, link, action, comment="Paragraph two overstates the tonnage.")
    assert response.status_code == 302
    assert response["Location"] == f"{link}?sent={action}#review-sent"  # to the thank-you
    assert response["Cache-Control"] == "no-store"
    entry = PageLogEntry.objects.get(page=draft, action=f"planning.review.{action}")
    assert entry.user is None and entry.data["reviewer"] == "Jane Doe"
    assert entry.revision == ReviewLink.objects.get().revision
    sign_in(client, planning["editor"])
    history = client.get(reverse("wagtailadmin_pages:history", args=[draft.pk]))
    text = BeautifulSoup(history.content, "html.parser").get_text(" ", strip=True)
    assert message in text
    assert "Paragraph two overstates the tonnage." in text
    thanks = BeautifulSoup(browser.get(response["Location"]).content, "html.parser")
    assert "Thank you" in thanks.select_one("#review [role=status]").get_text()
    event = ReviewLinkEvent.objects.get(action=action)
    assert event.text == "Paragraph two overstates the tonnage."
    assert ReviewLinkEvent.objects.filter(action="visit").count() == 1  # the thank-you is not


def test_the_responsible_editor_is_emailed_the_answer(planning, link, draft):
    mail.outbox.clear()
    answer(reviewer(), link, "approve", comment="Fine by me.")
    assert [m.to for m in mail.outbox] == [["second_editor@example.org"]]
    message = mail.outbox[0]
    assert "Jane Doe" in message.subject and "Grain Corridors" in message.subject
    assert "Fine by me." in message.body
    assert f"http://testserver/admin/pages/{draft.pk}/history/" in message.body


def test_without_a_commission_the_link_creator_is_emailed(planning, frozen, client):
    page = CommentaryPageFactory(parent=planning["publications"], title="Unplanned", live=False)
    page.save_revision()
    path = review_path(link_url(create_link(client, planning["chief"], page)))
    mail.outbox.clear()
    answer(reviewer(), path, "comment", comment="A thought.")
    assert [m.to for m in mail.outbox] == [["chief@example.org"]]


def test_asking_for_changes_needs_a_comment(link, draft):
    response = answer(reviewer(), link, "request_changes", comment="")
    assert response.status_code == 200
    assert "Please write your comment" in response.content.decode()
    assert not PageLogEntry.objects.filter(action__startswith="planning.review.").exists()


def test_answers_need_the_form_csrf_token(link, draft):
    response = reviewer().post(link, {"action": "approve"})
    assert response.status_code == 403
    assert not PageLogEntry.objects.filter(action__startswith="planning.review.").exists()


def test_nothing_is_reachable_but_the_one_draft(planning, link, draft):
    other = CommentaryPageFactory(
        parent=planning["publications"], title="Another draft", live=False
    )
    other.save_revision()
    browser = Client()
    page = BeautifulSoup(browser.get(link).content, "html.parser")
    assert "Another draft" not in page.get_text()
    addresses = {a["href"] for a in page.select("a[href]")} | {
        tag.get("src") or tag.get("href") for tag in page.select("[src], link[href]")
    }
    for address in sorted(addresses):
        parts = urlsplit(address)
        assert parts.netloc in ("", "testserver"), address
        assert "/admin" not in parts.path and "/review/" not in parts.path, address
        if not address.startswith("#") and not parts.path.startswith("/static/"):
            assert browser.get(address).status_code == 200, address  # public, live pages
    for path in (f"{link}extra/", f"{link}../", other.url or "/publications/another-draft/"):
        assert browser.get(path).status_code == 404, path


def test_authors_cannot_create_or_revoke_links(planning, draft, link, client):
    p = planning
    own = CommentaryPageFactory(parent=p["publications"], title="Author's own", live=False)
    own.owner = p["author"]
    own.save()
    own.save_revision(user=p["author"])
    for page in (own, draft):
        response = create_link(client, p["author"], page)
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert ReviewLink.objects.count() == 1
    sign_in(client, p["author"])
    found = ReviewLink.objects.get()
    client.post(reverse("planning:review_link_revoke", args=[found.pk]))
    found.refresh_from_db()
    assert found.revoked_at is None


def header_buttons(client, user, page):
    sign_in(client, user)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    return reverse("planning:review_links", args=[page.pk]) in response.content.decode()


def test_the_review_links_button_shows_for_editors_not_authors(planning, draft, client):
    draft.owner = planning["author"]
    draft.save()
    assert header_buttons(client, planning["editor"], draft)
    assert header_buttons(client, planning["chief"], draft)
    assert not header_buttons(client, planning["author"], draft)


def test_the_admin_page_lists_visits_and_answers(planning, link, draft, client):
    Client().get(link)
    answer(reviewer(), link, "approve", comment="Good.")
    sign_in(client, planning["editor"])
    page = client.get(reverse("planning:review_links", args=[draft.pk]))
    soup = BeautifulSoup(page.content, "html.parser")
    rows = [r.get_text(" ", strip=True) for r in soup.select("table")[1].select("tbody tr")]
    assert "Jane Doe Approval Good." in rows[0] and rows[0].endswith("the current draft")
    assert sum("Visit" in row for row in rows) == 2
    assert Revision.objects.filter(pk=ReviewLink.objects.get().revision_id).exists()
