import datetime

from wagtail.admin.forms import WagtailAdminPageForm


class CommentaryPageForm(WagtailAdminPageForm):
    """A new commentary is dated today.

    Set here rather than as a model default: a callable default makes Django treat the date as
    changed on every submit, so a plain "Approve" would save a new revision and, with
    re-approval on edit, send the page back to the first review step.
    """

    def save(self, commit=True):
        """A byline left without a position takes the expert's current one.

        Stored on the byline, it stays true to the moment of writing whatever the profile says
        later. Done at save, not in clean(): changing the instance during validation would make
        the form look edited.
        """
        page = super().save(commit=False)
        for byline in page.bylines.all():
            if not byline.position and byline.expert_id:
                byline.position = byline.expert.position
        if commit:
            page.save()
        return page

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance._state.adding and not self.initial.get("date"):
            self.initial["date"] = datetime.date.today()
