"""Wagtail's password-reset and private-page password views, behind the throttles of
security/throttles.py. Both keep Wagtail's own behaviour for every allowed request."""

from django.shortcuts import redirect

from wagtail.admin.views.account import PasswordResetView
from wagtail.views import authenticate_with_password

from .throttles import page_password_wait, password_reset_refusal, too_many


class ThrottledPasswordResetView(PasswordResetView):
    """Wagtail's reset form; over an address's share of mails it answers exactly as if it had
    sent one (no account enumeration), and a client asking too often gets a 429."""

    def form_valid(self, form):
        refusal = password_reset_refusal(self.request, form.cleaned_data["email"])
        if refusal == "silent":
            return redirect(self.get_success_url())
        if refusal is not None:
            return refusal
        return super().form_valid(form)


def throttled_authenticate_with_password(request, page_view_restriction_id, page_id):
    """Wagtail's page-password view; a failed attempt is counted, and over the limit the
    client is told when to try again instead of being allowed another guess."""
    if request.method == "POST":
        wait = page_password_wait(request, page_view_restriction_id, increment=False)
        if wait:
            return too_many(request, "security/page_password_throttled.html", wait)
    response = authenticate_with_password(request, page_view_restriction_id, page_id)
    if request.method == "POST" and not response.has_header("Location"):
        page_password_wait(request, page_view_restriction_id, increment=True)
    return response
