import unicodedata
from urllib.parse import urlencode

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils import timezone

from experts.models import ExpertPage
from publications.models import Byline, CommentaryCompetence, CommentaryRegion
from taxonomy.models import Competence, Region

from .calendar import STATES
from .models import Commission, ReviewLinkEvent
from .permissions import planners

MAX_REVIEW_DAYS = 60
# Control, format (e.g. right-to-left overrides), line and paragraph separator characters.
CONTROL = {"Cc", "Cf", "Zl", "Zp"}


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()


class CommissionDatesMixin:
    def clean(self):
        cleaned = super().clean()
        due, publish = cleaned.get("due_on"), cleaned.get("publish_on")
        if due and publish and publish < due:
            self.add_error("publish_on", "The planned publication cannot come before the text.")
        return cleaned


class CommissionForm(CommissionDatesMixin, forms.Form):
    title = forms.CharField(label="Working title", max_length=255)
    experts = forms.ModelMultipleChoiceField(
        label="Commissioned from",
        queryset=ExpertPage.objects.order_by("surname", "title"),
        help_text="Who writes it; they become its authors. Ctrl-click (Cmd on a Mac) for several.",
    )
    editor = UserChoiceField(label="Responsible editor", queryset=None)
    due_on = forms.DateField(label="Text due", widget=forms.DateInput(attrs={"type": "date"}))
    publish_on = forms.DateField(
        label="Planned publication", widget=forms.DateInput(attrs={"type": "date"})
    )
    regions = forms.ModelMultipleChoiceField(queryset=Region.objects.all(), required=False)
    competences = forms.ModelMultipleChoiceField(queryset=Competence.objects.all(), required=False)
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="The brief, fee, length: anything the editors need. Never shown to readers.",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["editor"].queryset = planners()
        if user is not None:
            self.fields["editor"].initial = user.pk

    def clean_experts(self):
        """The experts in the order given: the first is the first byline."""
        found = {str(expert.pk): expert for expert in self.cleaned_data["experts"]}
        return [found[pk] for pk in dict.fromkeys(self.data.getlist("experts")) if pk in found]


class CommissionEditForm(CommissionDatesMixin, forms.ModelForm):
    class Meta:
        model = Commission
        fields = ["editor", "due_on", "publish_on", "notes"]
        widgets = {
            "due_on": forms.DateInput(attrs={"type": "date"}),
            "publish_on": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }
        field_classes = {"editor": UserChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["editor"].queryset = planners()
        self.fields["editor"].required = True


class CalendarFilterForm(forms.Form):
    """The calendar's query string. Choices are the values in use; anything else is an error
    shown to the editor and ignored, never passed to a query."""

    date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    state = forms.MultipleChoiceField(
        choices=STATES, required=False, widget=forms.CheckboxSelectMultiple
    )
    expert = forms.MultipleChoiceField(required=False)
    editor = forms.TypedMultipleChoiceField(coerce=int, required=False, label="Responsible editor")
    region = forms.MultipleChoiceField(required=False)
    competence = forms.MultipleChoiceField(required=False)
    overdue = forms.BooleanField(required=False, label="Overdue only")

    def __init__(self, data, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        used = Byline.objects.filter(expert=OuterRef("pk"))
        experts = ExpertPage.objects.filter(Exists(used)).order_by("surname", "title")
        self.fields["expert"].choices = list(experts.values_list("slug", "title"))
        editors = get_user_model().objects.filter(
            Exists(Commission.objects.filter(editor=OuterRef("pk")))
        )
        self.fields["editor"].choices = [
            (user.pk, user.get_full_name() or user.get_username())
            for user in editors.order_by("username")
        ]
        for name, model, through in (
            ("region", Region, CommentaryRegion),
            ("competence", Competence, CommentaryCompetence),
        ):
            tags = model.objects.filter(Exists(through.objects.filter(tag=OuterRef("pk"))))
            self.fields[name].choices = list(tags.values_list("slug", "name"))

    def value(self, name, default=None):
        """The cleaned value of a field, or the default when it was missing or invalid."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data.get(name) or default

    def apply(self, queryset):
        self.is_valid()  # fills cleaned_data with the valid fields only
        data = self.cleaned_data
        if data.get("state"):
            queryset = queryset.filter(state__in=data["state"])
        if data.get("expert"):
            signed = Byline.objects.filter(
                commentary=OuterRef("pk"), expert__slug__in=data["expert"]
            )
            queryset = queryset.filter(Exists(signed))
        if data.get("editor"):
            queryset = queryset.filter(commission__editor__in=data["editor"])
        for name, through in (("region", CommentaryRegion), ("competence", CommentaryCompetence)):
            if data.get(name):
                tagged = through.objects.filter(
                    content_object=OuterRef("pk"), tag__slug__in=data[name]
                )
                queryset = queryset.filter(Exists(tagged))
        if data.get("overdue"):
            queryset = queryset.filter(overdue=True)
        return queryset

    def querystring(self, **changes):
        """The valid filters as a query string, with some values replaced."""
        self.is_valid()
        params = []
        values = {**self.cleaned_data, **changes}
        for name in self.fields:
            value = values.get(name)
            if value in (None, "", [], False):
                continue
            if isinstance(value, list | tuple):
                params.extend((name, str(item)) for item in value)
            elif value is True:
                params.append((name, "1"))
            else:
                params.append((name, value.isoformat() if hasattr(value, "isoformat") else value))
        return urlencode(params)


class ReviewLinkForm(forms.Form):
    reviewer_name = forms.CharField(label="Reviewer's name", max_length=200)
    reviewer_email = forms.EmailField(label="Reviewer's email")
    days = forms.IntegerField(
        label="Valid for (days)", min_value=1, max_value=MAX_REVIEW_DAYS, initial=7
    )
    version = forms.ChoiceField(
        label="Shows",
        choices=[
            ("pinned", "This version only"),
            ("latest", "Always the latest draft"),
        ],
        initial="pinned",
        widget=forms.RadioSelect,
    )
    send_email = forms.BooleanField(
        label="Email the link to the reviewer", required=False, initial=True
    )

    def clean_reviewer_name(self):
        # The name goes into email subjects and the page history: one plain line.
        name = self.cleaned_data["reviewer_name"]
        if any(unicodedata.category(char) in CONTROL for char in name):
            raise forms.ValidationError(
                "Write the name on one line, without line breaks or other control characters."
            )
        return name

    def expires_at(self):
        return timezone.now() + timezone.timedelta(days=self.cleaned_data["days"])


class ReviewerForm(forms.Form):
    """What an outside reviewer posts from the review page."""

    ACTIONS = [
        (ReviewLinkEvent.COMMENT, "Send comment"),
        (ReviewLinkEvent.APPROVE, "Approve"),
        (ReviewLinkEvent.REQUEST_CHANGES, "Request changes"),
    ]

    action = forms.ChoiceField(choices=ACTIONS)
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=10_000
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") in ("comment", "request_changes") and not cleaned.get("comment"):
            self.add_error("comment", "Please write your comment or the changes you need.")
        return cleaned
