"""The admin import: upload export files, preview what each would do, confirm.

The preview is the importer's planning pass (plan_text), which writes no content. The uploaded
texts wait on the server (PendingUpload, one batch per user, each file within the importer's
size cap) with the plan the preview showed. Confirming imports each file all-or-nothing, and
only if its text is still the one previewed and it would still do what the preview said.
"""

import datetime
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .forms import UploadForm
from .importer import (
    CommentaryImporter,
    Problem,
    Refused,
    fingerprint,
    max_bytes_setting,
    too_large,
)
from .models import ImportRecord, PendingUpload
from .permissions import can_import

KEEP_FOR = datetime.timedelta(days=1)  # an upload never confirmed is dropped after this


class ImportPermissionMixin:
    def dispatch(self, request, *args, **kwargs):
        if not can_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class AdminPage(ImportPermissionMixin, WagtailAdminTemplateMixin):
    header_icon = "upload"

    def get_breadcrumbs_items(self):
        crumbs = [{"url": reverse("intake:upload"), "label": "Import"}]
        if self.get_page_title() != "Import":
            crumbs.append({"url": "", "label": self.get_page_title()})
        return [*self.breadcrumbs_items, *crumbs]


def importer(user, skip_changed_experts=False):
    return CommentaryImporter(mode="submit", user=user, skip_changed_experts=skip_changed_experts)


def read_upload(file, limit):
    """The bytes of an uploaded file, never more than limit + 1 of them read."""
    if file.size is not None and file.size > limit:
        raise too_large(file.size, limit)
    data = file.read(limit + 1)
    if len(data) > limit:
        raise too_large(len(data), limit)
    return data


class UploadView(AdminPage, FormView):
    page_title = "Import"
    template_name = "intake/upload.html"
    form_class = UploadForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "max_bytes": max_bytes_setting()}

    def form_valid(self, form):
        user = self.request.user
        regions = [tag.name for tag in form.cleaned_data["regions"]]
        competences = [tag.name for tag in form.cleaned_data["competences"]]
        skip = form.cleaned_data["experts"] == "skip"
        planner = importer(user, skip)
        batch = uuid.uuid4()
        rows = []
        for position, file in enumerate(form.cleaned_data["files"]):
            name = (file.name or f"file {position + 1}")[:255]
            try:
                data = read_upload(file, planner.max_bytes)
            except Refused as exc:
                problems, result = exc.problems, None
            except OSError:  # the upload's temporary file went away
                problems, result = [Problem("the file cannot be read")], None
            else:
                result = planner.plan_text(data, name, regions=regions, competences=competences)
                problems = result.errors
            rows.append(
                PendingUpload(
                    batch=batch,
                    user=user,
                    position=position,
                    name=name,
                    # Only a file that can be imported is kept: it decoded, so it is text.
                    text=data.decode("utf-8") if result and result.ok else "",
                    fingerprint=result.fingerprint if result and result.ok else "",
                    plan=result.plan() if result and result.ok else [],
                    errors=[str(problem) for problem in problems],
                    regions=regions,
                    competences=competences,
                    skip_changed_experts=skip,
                )
            )
        with transaction.atomic():
            # A new upload replaces this user's last one: its preview can no longer be confirmed.
            PendingUpload.objects.filter(user=user).delete()
            PendingUpload.objects.filter(created_at__lt=timezone.now() - KEEP_FOR).delete()
            PendingUpload.objects.bulk_create(rows)
        return redirect("intake:preview", batch=batch)


def pending(request, batch):
    return list(PendingUpload.objects.filter(user=request.user, batch=batch))


def describe(plan):
    """The plan of one file in groups for the template: commentaries, experts, tags."""
    groups = {"commentary": [], "expert": [], "tag": []}
    for change in plan:
        kind = change["kind"] if change["kind"] in groups else "tag"
        groups[kind].append(change)
    return [
        ("Commentary", groups["commentary"]),
        ("Experts", groups["expert"]),
        ("New tags", groups["tag"]),
    ]


class PreviewView(AdminPage, TemplateView):
    page_title = "Preview the import"
    template_name = "intake/preview.html"

    def get_context_data(self, **kwargs):
        rows = pending(self.request, kwargs["batch"])
        if not rows:
            raise Http404("This upload is no longer waiting: upload the files again.")
        files = [{"row": row, "groups": describe(row.plan)} for row in rows]
        return super().get_context_data(
            files=files,
            importable=[row for row in rows if not row.errors],
            **kwargs,
        )


class ConfirmView(AdminPage, TemplateView):
    page_title = "Import done"
    template_name = "intake/done.html"
    http_method_names = ["post"]

    def post(self, request, batch):
        rows = pending(request, batch)
        if not rows:
            messages.error(
                request,
                "That preview is no longer waiting (a newer upload replaced it, or it was "
                "imported or expired). Upload the files again.",
            )
            return redirect("intake:upload")
        outcomes = []
        for row in rows:
            if row.errors:
                outcomes.append({"row": row, "result": None, "errors": row.errors})
                continue
            previewed = request.POST.get(f"fingerprint-{row.pk}", "")
            if previewed != row.fingerprint or fingerprint(row.text) != row.fingerprint:
                outcomes.append(
                    {
                        "row": row,
                        "result": None,
                        "errors": [
                            "the file is not the one you previewed; upload it again and "
                            "check the new preview"
                        ],
                    }
                )
                continue
            result = importer(request.user, row.skip_changed_experts).import_text(
                row.text,
                row.name,
                regions=row.regions,
                competences=row.competences,
                expect=row.plan,
            )
            if result.ok:
                ImportRecord.objects.create(
                    source=ImportRecord.ADMIN,
                    name=row.name,
                    fingerprint=result.fingerprint,
                    status=result.status,
                    page=result.page,
                    user=request.user,
                )
            outcomes.append(
                {"row": row, "result": result, "errors": [str(p) for p in result.errors]}
            )
        PendingUpload.objects.filter(user=request.user, batch=batch).delete()
        imported = sum(1 for outcome in outcomes if not outcome["errors"])
        context = self.get_context_data(outcomes=outcomes, imported=imported, total=len(outcomes))
        return self.render_to_response(context)
