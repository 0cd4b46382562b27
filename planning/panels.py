"""The dashboard panel: commissions due this week and overdue entries, linking into the calendar."""

from django.urls import reverse

from wagtail.admin.ui.components import Component

from .calendar import COMMISSIONED, counts


class PlanningPanel(Component):
    name = "editorial-planning"
    template_name = "planning/panels/planning.html"
    order = 205

    def get_context_data(self, parent_context):
        found = counts()
        return {
            "due_this_week": found["due_this_week"],
            "overdue": found["overdue"],
            "due_url": f"{reverse('planning:week')}?state={COMMISSIONED}",
            "overdue_url": f"{reverse('planning:list')}?overdue=1",
            "calendar_url": reverse("planning:calendar"),
        }
