import unicodedata
from functools import reduce
from operator import or_
from urllib.parse import urlencode

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from taggit.utils import parse_tags
from wagtail.admin.widgets import AdminDateInput, AdminPageChooser, AdminTagWidget

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


EXPERT_FIELDS = ["expert_1", "expert_2", "expert_3", "expert_4"]


def expert_field(required, label):
    return forms.ModelChoiceField(
        label=label,
        queryset=ExpertPage.objects.all(),
        required=required,
        widget=AdminPageChooser(target_models=[ExpertPage]),
    )


class VocabularyField(forms.CharField):
    """Tags from a fixed vocabulary, with the admin's tag widget (as in the page editor)."""

    def __init__(self, model, **kwargs):
        self.model = model
        widget = AdminTagWidget(tag_model=model, free_tagging=False)
        super().__init__(required=False, widget=widget, **kwargs)

    def clean(self, value):
        try:
            names = parse_tags(super().clean(value))
        except ValueError as error:
            raise forms.ValidationError("Separate the names with commas.") from error
        matches = reduce(or_, (Q(name__iexact=name) for name in names), Q(pk__in=[]))
        found = {tag.name.casefold(): tag for tag in self.model.objects.filter(matches)}
        unknown = [name for name in names if name.casefold() not in found]
        if unknown:
            raise forms.ValidationError(
                "Not in the vocabulary: %(names)s. Choose from the suggestions.",
                params={"names": ", ".join(unknown)},
            )
        return [found[name.casefold()] for name in names]


class CommissionForm(CommissionDatesMixin, forms.Form):
    title = forms.CharField(label="Working title", max_length=255)
    expert_1 = expert_field(True, "Commissioned from")
    expert_2 = expert_field(False, "Co-author")
    expert_3 = expert_field(False, "Second co-author")
    expert_4 = expert_field(False, "Third co-author")
    editor = UserChoiceField(label="Responsible editor", queryset=None)
    due_on = forms.DateField(label="Text due", widget=AdminDateInput)
    publish_on = forms.DateField(label="Planned publication", widget=AdminDateInput)
    regions = VocabularyField(Region, label="Regions")
    competences = VocabularyField(Competence, label="Competences")
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
        self.fields["expert_1"].help_text = (
            "Who writes it; they become its authors, in this order. More can be added in the "
            "page editor."
        )

    def clean(self):
        """`experts`: the chosen experts in order, each once; the first is the first byline."""
        cleaned = super().clean()
        chosen = [cleaned.get(name) for name in EXPERT_FIELDS]
        cleaned["experts"] = list(dict.fromkeys(expert for expert in chosen if expert))
        return cleaned


class CommissionEditForm(CommissionDatesMixin, forms.ModelForm):
    class Meta:
        model = Commission
        fields = ["editor", "due_on", "publish_on", "notes"]
        widgets = {
            "due_on": AdminDateInput,
            "publish_on": AdminDateInput,
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

    UNKNOWN_VERSION = (
        "The draft could not tell which version you read. It is shown again below as it is "
        "now, with your comment: please check it and send again."
    )

    action = forms.ChoiceField(choices=ACTIONS)
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=10_000
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") in ("comment", "request_changes") and not cleaned.get("comment"):
            self.add_error("comment", "Please write your comment or the changes you need.")
        return cleaned
