"""Comments, locking, revisions and preview, for every role that can edit."""

from django.core import mail
from django.urls import reverse

from wagtail.models import Comment

import pytest

from ..conftest import sign_in
from .conftest import COMMENT, commentary_form, create_draft, edit


def test_an_editors_comment_notifies_the_author_only(editorial, client):
    e = editorial
    page = create_draft(client, e["author"], e["publications"], e["expert"])
    mail.outbox.clear()
    sign_in(client, e["editor"])
    data = {**commentary_form(page), **COMMENT}
    response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
    assert response.status_code == 302
    assert Comment.objects.get(page=page).text == "Shorten the lead, please."
    assert [m.to for m in mail.outbox] == [["author@example.org"]]


@pytest.mark.parametrize("role", ["author", "editor", "chief"])
def test_every_role_can_lock_and_unlock_a_page_it_edits(editorial, client, role):
    e = editorial
    page = create_draft(client, e["author"], e["publications"], e["expert"])
    sign_in(client, e[role])
    client.post(reverse("wagtailadmin_pages:lock", args=[page.pk]))
    page.refresh_from_db()
    assert page.locked and page.locked_by == e[role]
    # Locked for others: the author's colleague cannot save over it.
    if role != "author":
        response = edit(client, e["author"], page, lead="Overwritten?")
        assert response.status_code == 200
        sign_in(client, e[role])
    client.post(reverse("wagtailadmin_pages:unlock", args=[page.pk]))
    page.refresh_from_db()
    assert not page.locked


@pytest.mark.parametrize("role", ["author", "editor", "chief"])
def test_every_role_compares_revisions_and_previews(editorial, client, role):
    e = editorial
    page = create_draft(client, e["author"], e["publications"], e["expert"])
    edit(client, e["author"], page, lead="A sharper lead.")
    page.refresh_from_db()
    sign_in(client, e[role])
    compare = reverse(
        "wagtailadmin_pages:revisions_compare",
        args=[page.pk, "earliest", page.get_latest_revision().pk],
    )
    response = client.get(compare)
    assert response.status_code == 200 and b"A sharper lead." in response.content
    preview = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
    client.post(preview, commentary_form(page, lead="Seen in preview."))
    response = client.get(preview)
    assert response.status_code == 200 and b"Seen in preview." in response.content
