"""Commissioning a commentary: a normal draft with its bylines, plus the plan (a Commission)."""

from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.text import slugify
from django.views.generic import FormView

from wagtail.admin import messages
from wagtail.coreutils import find_available_slug
from wagtail.log_actions import log

from publications.models import Byline, CommentaryPage

from ..forms import CommissionEditForm, CommissionForm
from ..models import Commission
from ..permissions import section
from .base import AdminPage, PlannerRequiredMixin

PLACEHOLDER_LEAD = "Lead to come."


@transaction.atomic
def commission(user, data):
    """Create the draft (owned by the responsible editor, one revision, not live) and its plan."""
    index = section()
    experts = list(data["experts"])
    page = CommentaryPage(
        title=data["title"],
        slug=find_available_slug(index, slugify(data["title"]) or "commentary"),
        date=data["publish_on"],
        lead=PLACEHOLDER_LEAD,
        owner=data["editor"],
        live=False,
    )
    page.bylines = [Byline(expert=expert, position=expert.position) for expert in experts]
    page.regions.set(list(data["regions"]))
    page.competences.set(list(data["competences"]))
    index.add_child(instance=page)
    page.save_revision(user=user, log_action=True)
    plan = Commission.objects.create(
        page=page,
        editor=data["editor"],
        due_on=data["due_on"],
        publish_on=data["publish_on"],
        notes=data["notes"],
        created_by=user,
    )
    log(
        page,
        "planning.commission",
        user=user,
        data={
            "experts": [expert.title for expert in experts],
            "editor": data["editor"].get_username(),
            "due_on": plan.due_on.isoformat(),
            "publish_on": plan.publish_on.isoformat(),
        },
    )
    return page


class CommissionView(PlannerRequiredMixin, AdminPage, FormView):
    form_class = CommissionForm
    template_name = "planning/admin/form.html"
    page_title = "Commission a commentary"
    header_icon = "plus"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(submit_label="Commission", **kwargs)

    def form_valid(self, form):
        page = commission(self.request.user, form.cleaned_data)
        messages.success(
            self.request,
            f"Commissioned “{page.title}”: a draft is ready for the text.",
            buttons=[
                messages.button(reverse("planning:review_links", args=[page.pk]), "Review links")
            ],
        )
        return redirect("wagtailadmin_pages:edit", page.pk)


class CommissionEditView(PlannerRequiredMixin, AdminPage, FormView):
    form_class = CommissionEditForm
    template_name = "planning/admin/form.html"
    header_icon = "date"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(Commission.objects.select_related("page"), pk=kwargs["pk"])

    def get_page_title(self):
        return f"Plan of “{self.object.page.title}”"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_context_data(self, **kwargs):
        return super().get_context_data(submit_label="Save", **kwargs)

    def form_valid(self, form):
        with transaction.atomic():
            plan = form.save()
            log(
                plan.page,
                "planning.commission.edit",
                user=self.request.user,
                data={
                    "editor": plan.editor.get_username(),
                    "due_on": plan.due_on.isoformat(),
                    "publish_on": plan.publish_on.isoformat(),
                },
            )
        messages.success(self.request, "The plan was saved.")
        return redirect("planning:calendar")
