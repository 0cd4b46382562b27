def publish_approved(workflow_state, user=None):
    """WAGTAIL_FINISH_WORKFLOW_ACTION: the last approval publishes.

    Nobody in an editorial role may publish directly (see permissions.py); the approval of the
    workflow's final step is the permission, so the publish skips the direct-publish check.
    """
    revision = workflow_state.content_object.get_latest_revision()
    revision.publish(user=user, skip_permission_checks=True)


def restart_review_after_edit(page, user):
    """An edit to a page whose review already has approvals sends it back to the first step.

    With WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT Wagtail only discounts old approvals when the
    current step finishes; editors expect the edited text to go back to review straight away.
    """
    state = page.current_workflow_state
    if state is None or state.status != state.STATUS_IN_PROGRESS:
        return
    current = state.current_task_state
    first = state.workflow.tasks.filter(active=True).order_by("workflow_tasks__sort_order").first()
    if current is None or first is None or current.task_id == first.pk:
        return
    latest = page.get_latest_revision()
    if current.revision_id == latest.pk:
        return  # nothing changed since this step started
    current.specific.cancel(user=user)
    state.refresh_from_db()
    state.current_task_state = first.specific.start(state, user=user)
    state.save(update_fields=["current_task_state"])
