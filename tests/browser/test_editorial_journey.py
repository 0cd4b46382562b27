"""A commentary's whole week in the real admin, with Wagtail's autosave on at its default
interval: two authors (one created from the Authors panel), a submit while an autosave is in
flight, changes requested and made, both approvals (the last with its go-live date), the
scheduler worker, and an anonymous reader. One review, one step in progress, throughout."""

import io
import os
import re
import shutil
import time
from datetime import timedelta
from pathlib import Path

from django.core.management import call_command
from django.utils import timezone

from wagtail.models import Page, TaskState, WorkflowState

from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from editorial.roles import AUTHORS, EDITOR_IN_CHIEF, EDITORS
from experts.models import ExpertPage
from publications.models import CommentaryPage, PublicationIndexPage

from .conftest import ARTIFACTS, screenshot
from .test_editorial_workflow import act, log_in, make_user
from .test_preview_panel import BASELINE_SCRIPT, wait_for_editor

DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 800}

TITLE = "Grain, Ports and the Black Sea"
NEW_EXPERT = "Elena Markova"
CHANGES_COMMENT = "Name the insurers, and say who pays when a ship is hit."
REVISED_LEAD = "Who ships grain when the ports are mined, and who insures the ships."
CHIEF_STEP = "Approval by the editor-in-chief"
CHIEF_ACTION = "Approve with go-live date or comment"


def shoot(page, name, doc_name=None):
    """Always into test-artifacts/; into docs/screenshots/ only when asked
    (UPDATE_DOC_SCREENSHOTS=1), so a test run never rewrites the docs by itself."""
    screenshot(page, name)
    if doc_name and os.environ.get("UPDATE_DOC_SCREENSHOTS") == "1":
        # The viewport, not the full page: the editor's form is long, the step is at the top.
        page.screenshot(path=ARTIFACTS / f"{doc_name}.png")
        shutil.copyfile(ARTIFACTS / f"{doc_name}.png", DOCS_SCREENSHOTS / f"{doc_name}.png")


def review_of(page_pk):
    """The page's open review and its steps in progress, from the database."""
    page = Page.objects.get(pk=page_pk)
    states = WorkflowState.objects.for_instance(page).filter(
        status__in=[WorkflowState.STATUS_IN_PROGRESS, WorkflowState.STATUS_NEEDS_CHANGES]
    )
    tasks = TaskState.objects.filter(
        workflow_state__in=WorkflowState.objects.for_instance(page),
        status=TaskState.STATUS_IN_PROGRESS,
    ).select_related("task")
    return list(states), list(tasks)


def review_history(page_pk):
    """Every step the page's reviews went through, oldest first: (step, status, comment).

    An approval carried to a later revision of the same text is copied (editorial.workflow,
    carry_approvals): the copy has the approval's own end and approver, and is listed once."""
    page = Page.objects.get(pk=page_pk)
    states = TaskState.objects.filter(workflow_state__in=WorkflowState.objects.for_instance(page))
    seen, history = set(), []
    for state in states.select_related("task").order_by("started_at", "pk"):
        key = (state.task_id, state.status, state.finished_at, state.finished_by_id)
        if state.finished_at is None or key not in seen:
            seen.add(key)
            history.append((state.task.name, state.status, state.comment))
    return history


def assert_at(page_pk, step, status=WorkflowState.STATUS_IN_PROGRESS):
    states, tasks = review_of(page_pk)
    if step is None:
        assert states == [] and tasks == [], (states, tasks)
        return
    assert len(states) == 1, states
    assert states[0].status == status
    if status == WorkflowState.STATUS_NEEDS_CHANGES:
        assert tasks == [], tasks
        assert states[0].current_task_state.task.name == step
        assert states[0].current_task_state.status == TaskState.STATUS_REJECTED
    else:
        assert [task.task.name for task in tasks] == [step], tasks
        assert states[0].current_task_state_id == tasks[0].pk


# The editor's form posts to the create view until the first autosave creates the page, then
# to its edit view; an autosave asks for JSON, a person's submit for a page.
EDITOR_FORM = re.compile(r"/admin/pages/(add/[a-z]+/[a-z]+/\d+|\d+/edit)/$")


def is_autosave(request):
    return (
        request.method == "POST"
        and EDITOR_FORM.search(request.url.split("?")[0])
        and "application/json" in (request.headers.get("accept") or "")
    )


def test_a_commentary_from_two_authors_to_the_reader_with_autosave_on(browser, live_site):
    make_user("author", AUTHORS)
    make_user("editor", EDITORS)
    chief = make_user("chief", EDITOR_IN_CHIEF)
    TOTPDevice.objects.create(user=chief, name="phone", confirmed=True)
    index = PublicationIndexPage.objects.get()
    context = browser.new_context(base_url=live_site.url, viewport=VIEWPORT)
    context.add_init_script(BASELINE_SCRIPT)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.set_default_navigation_timeout(30_000)

    # 1. The author drafts, with an existing expert and one created from the Authors panel.
    log_in(page, "author")
    add_url = f"/admin/pages/add/publications/commentarypage/{index.pk}/"
    page.goto(add_url)
    wait_for_editor(page)
    page.fill("#id_title", TITLE)
    page.get_by_role("button", name="Choose a page (Expert)").first.click()
    page.get_by_role("link", name="Andrey Sushentsov").click()
    link = page.get_by_role("link", name="Create a new expert (opens in a new tab)")
    link.scroll_into_view_if_needed()
    shoot(page, "journey-1-create-expert-link", "workflow-create-expert-link")
    with context.expect_page() as opened:
        link.click()
    expert_tab = opened.value
    expert_tab.wait_for_load_state()
    expert_tab.fill("#id_title", NEW_EXPERT)
    expert_tab.fill("#id_position", "Senior Fellow")
    expert_tab.fill("#id_location", "Odesa, Ukraine")
    shoot(expert_tab, "journey-1-new-expert-form")
    act(expert_tab, "Submit to Editorial review")
    expert = ExpertPage.objects.get(title=NEW_EXPERT)
    assert not expert.live
    assert_at(expert.pk, "Review by editors")
    expert_tab.close()

    # The chooser loads afresh each time it opens: it offers the new draft profile.
    page.get_by_role("button", name="Add authors").click()
    chooser = page.locator(".modal-dialog")
    chooser.get_by_role("checkbox", name=NEW_EXPERT).check()
    chooser.get_by_role("button", name="Confirm selection").click()
    expect(chooser).to_be_hidden()
    with page.expect_response(lambda r: is_autosave(r.request)) as saved:
        page.fill("#id_lead", "Who ships grain when the ports are mined.")
    assert saved.value.json()["success"]
    commentary = CommentaryPage.objects.get(title=TITLE)
    edit_url = f"/admin/pages/{commentary.pk}/edit/"
    page.wait_for_url(f"**{edit_url}")
    assert [b.expert.title for b in commentary.get_latest_revision_as_object().bylines.all()] == [
        "Andrey Sushentsov",
        NEW_EXPERT,
    ]
    assert_at(commentary.pk, None)

    # 2. Submit while an autosave is in flight: its request has left, its answer has not come.
    events = []
    page.on("request", lambda r: events.append(("sent", r)))
    page.on("requestfinished", lambda r: events.append(("answered", r)))
    page.on("requestfailed", lambda r: events.append(("failed", r)))
    with page.expect_request(is_autosave) as in_flight:
        page.locator("#id_lead").press_sequentially(" And who insures it.", delay=20)
    page.locator("footer [data-w-dropdown-target='toggle']").last.click()

    def is_submit(request):
        return request.method == "POST" and not is_autosave(request)

    with page.expect_navigation(), page.expect_request(is_submit) as submit:
        page.get_by_role("button", name="Submit to Editorial review", exact=True).click()
    order = [(kind, r) for kind, r in events if r in (in_flight.value, submit.value)]
    assert order.index(("sent", submit.value)) < order.index(("answered", in_flight.value)), order
    shoot(page, "journey-2-submitted")
    draft = CommentaryPage.objects.get(pk=commentary.pk).get_latest_revision_as_object()
    assert draft.lead.endswith("And who insures it.")
    assert_at(commentary.pk, "Review by editors")

    # 3. The editor comments in the "Request changes" dialog and sends the page back.
    log_in(page, "editor")
    page.goto(edit_url)
    wait_for_editor(page)
    page.locator("footer [data-w-dropdown-target='toggle']").last.click()
    page.get_by_role("button", name="Request changes", exact=True).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Comment").fill(CHANGES_COMMENT)
    shoot(page, "journey-3-request-changes-modal", "workflow-request-changes")
    with page.expect_navigation():
        dialog.get_by_role("button", name="Request changes", exact=True).click()
    expect(page.locator(".messages")).to_contain_text(
        f"Changes requested on “{TITLE}”; it goes back to author."
    )
    assert_at(commentary.pk, "Review by editors", WorkflowState.STATUS_NEEDS_CHANGES)
    assert review_history(commentary.pk) == [("Review by editors", "rejected", CHANGES_COMMENT)]

    # The author's dashboard says what happened and where, in the product's words.
    log_in(page, "author")
    mine = page.locator("#my-pages-in-review-section")
    expect(mine).to_contain_text(TITLE)
    expect(mine).to_contain_text("Changes requested at Review by editors")
    assert "reject" not in mine.inner_text().lower()
    shoot(page, "journey-3-author-dashboard")

    # 4. The author revises (the autosave keeps the new lead) and resubmits: the same review.
    page.goto(edit_url)
    wait_for_editor(page)
    with page.expect_response(lambda r: is_autosave(r.request)) as saved:
        page.fill("#id_lead", REVISED_LEAD)
    assert saved.value.json()["success"]
    assert CommentaryPage.objects.get(pk=commentary.pk).get_latest_revision_as_object().lead == (
        REVISED_LEAD
    )
    act(page, "Resubmit to Review by editors")
    expect(page.locator(".messages")).to_contain_text(
        f"“{TITLE}” submitted for review: it is now at Review by editors."
    )
    shoot(page, "journey-4-resubmitted", "workflow-resubmitted")
    assert_at(commentary.pk, "Review by editors")
    assert WorkflowState.objects.for_instance(Page.objects.get(pk=commentary.pk)).count() == 1

    # 5. The editor approves: on to the editor-in-chief.
    log_in(page, "editor")
    page.goto(edit_url)
    wait_for_editor(page)
    act(page, "Approve")
    expect(page.locator(".messages")).to_contain_text(
        f"“{TITLE}” approved; it is now at Approval by the editor-in-chief."
    )
    shoot(page, "journey-5-approved-by-editor")
    assert_at(commentary.pk, "Approval by the editor-in-chief")

    # 6. The editor-in-chief approves with the go-live date, in one step. The date picker keeps
    # whole minutes: the next one at least 20 s ahead is still in the future when the dialog and
    # the approval check it, and passes within about a minute.
    log_in(page, "chief")
    page.goto(edit_url)
    wait_for_editor(page)
    page.locator("footer [data-w-dropdown-target='toggle']").last.click()
    page.get_by_role("button", name=CHIEF_ACTION, exact=True).click()
    dialog = page.get_by_role("dialog")
    go_live = (timezone.now() + timedelta(seconds=79)).replace(second=0, microsecond=0)
    field = dialog.get_by_label("Go-live date")
    field.click()
    field.fill(timezone.localtime(go_live).strftime("%Y-%m-%d %H:%M"))
    # The picker opens 100 ms after each focus or press (after its lazy set-up, once more): on a
    # busy machine one of those can land after a close. Let them all fire first.
    expect(page.locator(".xdsoft_datetimepicker:visible")).to_have_count(1)
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 300))")
    # The date picker opens on the field; a click outside closes it, as a person's would.
    dialog.get_by_role("heading", name=CHIEF_ACTION).click()
    expect(page.locator(".xdsoft_datetimepicker:visible")).to_have_count(0)
    dialog.get_by_label("Comment").fill("Approved; out with the morning briefing.")
    shoot(page, "journey-6-approve-with-go-live-date", "workflow-chief-approve-schedule")
    with page.expect_navigation():
        dialog.get_by_role("button", name=CHIEF_ACTION, exact=True).click()
    messages = page.locator(".messages")
    expect(messages).to_contain_text(f"“{TITLE}” approved and scheduled for ")
    expect(messages).to_contain_text("goes live in ")
    shoot(page, "journey-6-scheduled", "workflow-scheduled")
    commentary = CommentaryPage.objects.get(pk=commentary.pk)
    assert not commentary.live
    assert commentary.scheduled_revision.approved_go_live_at == go_live
    assert_at(commentary.pk, None)
    assert review_history(commentary.pk) == [
        ("Review by editors", "rejected", CHANGES_COMMENT),
        ("Review by editors", "approved", ""),
        (CHIEF_STEP, "approved", "Approved; out with the morning briefing."),
    ]

    # Scheduled, not live: the chief's dashboard says when, a reader finds nothing yet.
    page.goto("/admin/")
    scheduled = page.locator("#scheduled-section")
    expect(scheduled).to_contain_text(TITLE)
    expect(scheduled).to_contain_text("goes live in ")
    scheduled.scroll_into_view_if_needed()
    shoot(page, "journey-6-dashboard-scheduled")
    reader = browser.new_context(base_url=live_site.url, viewport=VIEWPORT).new_page()
    reader.set_default_timeout(15_000)
    public_url = commentary.get_url()
    assert reader.goto(public_url).status == 404

    # 7. The worker publishes once the go-live time has passed.
    time.sleep(max(0.0, (go_live - timezone.now()).total_seconds()) + 1)
    out = io.StringIO()
    call_command("run_scheduler", "--once", stdout=out)
    assert "published 1" in out.getvalue()
    commentary = CommentaryPage.objects.get(pk=commentary.pk)
    assert commentary.live and commentary.scheduled_revision is None
    assert commentary.lead == REVISED_LEAD
    assert_at(commentary.pk, None)

    # 8. An anonymous reader sees the commentary with both authors.
    response = reader.goto(public_url)
    assert response.status == 200
    expect(reader.locator("h1")).to_have_text(TITLE)
    bylines = reader.locator("article header .bylines").first
    expect(bylines).to_contain_text("Andrey Sushentsov")
    expect(bylines).to_contain_text(NEW_EXPERT)
    shoot(reader, "journey-8-reader")
    reader.context.close()
    context.close()
