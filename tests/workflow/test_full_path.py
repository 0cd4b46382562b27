"""The path a commentary takes, through the real admin views."""

from django.core import mail

from wagtail.models import PageLogEntry

from editorial.roles import EDITOR_IN_CHIEF

from .conftest import create_draft, edit, make_user, workflow_action


def actions(page):
    return [
        (entry.action, entry.user.username if entry.user else None)
        for entry in PageLogEntry.objects.filter(page_id=page.pk).order_by("timestamp", "pk")
    ]


def test_author_submits_editor_approves_chief_approves_page_goes_live(editorial, client):
    e = editorial
    page = create_draft(client, e["author"], e["publications"], e["expert"])
    assert not page.live and page.owner == e["author"]

    assert edit(client, e["author"], page, action="submit").status_code == 302
    page.refresh_from_db()
    assert page.current_workflow_task.name == "Review by editors"
    assert not page.live

    assert workflow_action(client, e["editor"], page, "approve").status_code == 302
    page.refresh_from_db()
    assert page.current_workflow_task.name == "Approval by the editor-in-chief"
    assert not page.live

    assert workflow_action(client, e["chief"], page, "approve").status_code == 302
    page.refresh_from_db()
    assert page.live
    assert page.current_workflow_task is None
    assert client.get(page.url).status_code == 200

    log = actions(page)
    assert ("wagtail.workflow.start", "author") in log
    assert ("wagtail.workflow.approve", "editor") in log
    assert ("wagtail.workflow.approve", "chief") in log
    assert ("wagtail.publish", "chief") in log


def test_rejection_returns_the_page_to_its_author_with_the_comment(editorial, client):
    e = editorial
    page = create_draft(client, e["author"], e["publications"], e["expert"])
    edit(client, e["author"], page, action="submit")
    mail.outbox.clear()
    response = workflow_action(client, e["editor"], page, "reject", comment="Cite the treaty.")
    assert response.status_code == 302
    page.refresh_from_db()
    assert not page.live
    assert page.current_workflow_state.status == "needs_changes"
    entry = PageLogEntry.objects.get(page_id=page.pk, action="wagtail.workflow.reject")
    assert entry.user == e["editor"] and entry.data["comment"] == "Cite the treaty."
    assert [m.to for m in mail.outbox] == [["author@example.org"]]
    assert "Cite the treaty." in mail.outbox[0].body or "Cite the treaty." in str(
        mail.outbox[0].alternatives
    )
    # The author can still edit and resubmit.
    assert edit(client, e["author"], page, action="submit").status_code == 302
    page.refresh_from_db()
    assert page.current_workflow_task.name == "Review by editors"


def test_an_edit_after_approval_restarts_review(editorial, client):
    e = editorial
    page = create_draft(client, e["author"], e["publications"], e["expert"])
    edit(client, e["author"], page, action="submit")
    workflow_action(client, e["editor"], page, "approve")
    page.refresh_from_db()
    assert page.current_workflow_task.name == "Approval by the editor-in-chief"
    # While in review the page is locked for everyone but the current step's reviewers.
    assert edit(client, e["author"], page, lead="Author's change.").status_code == 200
    page.refresh_from_db()
    assert page.get_latest_revision_as_object().lead != "Author's change."
    assert edit(client, e["chief"], page, lead="The chief's change.").status_code == 302
    page.refresh_from_db()
    assert page.current_workflow_task.name == "Review by editors"
    workflow_action(client, e["editor"], page, "approve")
    # The chief wrote the final wording, so another editor-in-chief gives the final approval.
    workflow_action(client, e["chief"], page, "approve")
    page.refresh_from_db()
    assert not page.live
    workflow_action(client, make_user("chief2", EDITOR_IN_CHIEF), page, "approve")
    page.refresh_from_db()
    assert page.live and page.lead == "The chief's change."


def test_submission_notifies_editors_only(editorial, client):
    e = editorial
    page = create_draft(client, e["author"], e["publications"], e["expert"])
    mail.outbox.clear()
    edit(client, e["author"], page, action="submit")
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["editor@example.org"]


def test_step_approval_notifies_the_next_reviewers_final_approval_the_author(editorial, client):
    e = editorial
    page = create_draft(client, e["author"], e["publications"], e["expert"])
    edit(client, e["author"], page, action="submit")
    mail.outbox.clear()
    workflow_action(client, e["editor"], page, "approve")
    recipients = sorted(a for m in mail.outbox for a in m.to)
    assert recipients == ["chief@example.org"]
    mail.outbox.clear()
    workflow_action(client, e["chief"], page, "approve")
    assert sorted(a for m in mail.outbox for a in m.to) == ["author@example.org"]
