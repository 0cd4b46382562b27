from django.urls import reverse_lazy

from wagtail.admin.auth import permission_denied
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ..permissions import can_plan

CALENDAR_CRUMB = {"url": reverse_lazy("planning:calendar"), "label": "Editorial calendar"}


class PlannerRequiredMixin:
    """Editors and the editor-in-chief only (see permissions.py)."""

    def dispatch(self, request, *args, **kwargs):
        if not can_plan(request.user):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)


class AdminPage(WagtailAdminTemplateMixin):
    """An admin page under the editorial calendar in the breadcrumbs."""

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            CALENDAR_CRUMB,
            {"url": "", "label": self.get_page_title()},
        ]
