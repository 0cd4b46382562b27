from django.urls import include, path, reverse

from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.log_actions import LogFormatter

from . import admin_urls
from .panels import PlanningPanel
from .permissions import can_manage_review_links, can_plan


@hooks.register("register_admin_urls")
def planning_urls():
    return [path("planning/", include((admin_urls.urlpatterns, "planning"), namespace="planning"))]


class PlannerMenuItem(MenuItem):
    def is_shown(self, request):
        return can_plan(request.user)


@hooks.register("register_admin_menu_item")
def planning_menu():
    items = [
        PlannerMenuItem("Editorial calendar", reverse("planning:calendar"), icon_name="date"),
        PlannerMenuItem(
            "Commission a commentary", reverse("planning:commission"), icon_name="plus"
        ),
        PlannerMenuItem("My calendar feed", reverse("planning:feed"), icon_name="link"),
    ]
    return SubmenuMenuItem("Planning", Menu(items=items), icon_name="date", order=250)


@hooks.register("construct_homepage_panels")
def planning_panel(request, panels):
    if can_plan(request.user):
        panels.append(PlanningPanel())


class ReviewLinksButton(PageMenuItem):
    label = "Review links"
    icon_name = "link"
    url_name = "planning:review_links"

    def is_shown(self, user):
        return can_manage_review_links(user, self.page)


@hooks.register("register_page_header_buttons")
def review_links_header_button(page, user, view_name, next_url=None):
    yield ReviewLinksButton(page=page, priority=62)


@hooks.register("register_page_listing_more_buttons")
def review_links_listing_button(page, user, next_url=None):
    yield ReviewLinksButton(page=page, priority=62)


def reviewer(entry):
    return entry.data.get("reviewer", "an outside reviewer")


class ReviewerLog(LogFormatter):
    def format_comment(self, log_entry):
        return log_entry.data.get("comment", "")


@hooks.register("register_log_actions")
def planning_log_actions(actions):
    @actions.register_action("planning.review.comment")
    class Comment(ReviewerLog):
        label = "Review link: comment"

        def format_message(self, log_entry):
            return f"Comment from {reviewer(log_entry)} (outside reviewer, through a review link)"

    @actions.register_action("planning.review.approve")
    class Approve(ReviewerLog):
        label = "Review link: approval"

        def format_message(self, log_entry):
            return f"Approved by {reviewer(log_entry)} (outside reviewer, through a review link)"

    @actions.register_action("planning.review.request_changes")
    class RequestChanges(ReviewerLog):
        label = "Review link: changes requested"

        def format_message(self, log_entry):
            return (
                f"Changes requested by {reviewer(log_entry)} "
                "(outside reviewer, through a review link)"
            )

    @actions.register_action("planning.review_link.create")
    class CreateLink(LogFormatter):
        label = "Review link: create"

        def format_message(self, log_entry):
            return f"Review link created for {reviewer(log_entry)}"

    @actions.register_action("planning.review_link.revoke")
    class RevokeLink(LogFormatter):
        label = "Review link: revoke"

        def format_message(self, log_entry):
            return f"Review link for {reviewer(log_entry)} revoked"

    @actions.register_action("planning.commission")
    class Commission(LogFormatter):
        label = "Commission"

        def format_message(self, log_entry):
            data = log_entry.data
            experts = ", ".join(data.get("experts", [])) or "-"
            return (
                f"Commissioned from {experts}: text due {data.get('due_on')}, "
                f"planned for {data.get('publish_on')}"
            )

    @actions.register_action("planning.commission.edit")
    class EditCommission(LogFormatter):
        label = "Commission: edit plan"

        def format_message(self, log_entry):
            data = log_entry.data
            return (
                f"Plan changed: text due {data.get('due_on')}, planned for {data.get('publish_on')}"
            )
