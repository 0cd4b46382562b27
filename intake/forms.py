from django import forms

from taxonomy.models import Competence, Region

from .importer import size_text

MAX_FILES = 20  # with the importer's size cap per file, what one upload may keep on the server


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or more files; an empty one is the importer's to refuse, with its message."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".txt,text/plain"}))
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        files = [file for file in files if file]
        if not files:
            raise forms.ValidationError("Choose at least one export file.", code="required")
        if len(files) > MAX_FILES:
            raise forms.ValidationError(f"At most {MAX_FILES} files at a time.", code="too_many")
        return [super(MultipleFileField, self).clean(file, initial) for file in files]


EXPERT_CHOICES = [
    ("revise", "Submit the changes for review in a new revision (the live profile stays)"),
    ("skip", "Only report the differences; change nothing"),
]


class UploadForm(forms.Form):
    files = MultipleFileField(label="Export files")
    regions = forms.ModelMultipleChoiceField(
        Region.objects.order_by("name"),
        required=False,
        help_text="Region tags for the new commentaries.",
    )
    competences = forms.ModelMultipleChoiceField(
        Competence.objects.order_by("name"),
        required=False,
        help_text="Competence tags for the new commentaries.",
    )
    experts = forms.ChoiceField(
        label="When an expert's profile differs from the file",
        choices=EXPERT_CHOICES,
        initial="revise",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, max_bytes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = (
            f"Plain-text commentary exports, at most {MAX_FILES} files of "
            f"{size_text(max_bytes)} each. Nothing is written before you confirm."
        )
