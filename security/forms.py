from django import forms
from django.contrib.auth import authenticate


def normalise_code(value):
    """Codes as people type them: spaces and dashes dropped, any case (recovery codes)."""
    return "".join(value.split()).replace("-", "").lower()


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Six-digit code from your authenticator app, or a recovery code",
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )

    def clean_token(self):
        token = normalise_code(self.cleaned_data["token"])
        if not 6 <= len(token) <= 16:
            raise forms.ValidationError(
                "Enter the six-digit code or an eight-letter recovery code."
            )
        return token


class PasswordForm(forms.Form):
    """Asks for the password again before a change to the second factors (re-authentication).

    Checked through authenticate(), so failures count towards the sign-in lockout.
    """

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, request, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        user = self.request.user
        checked = authenticate(self.request, username=user.get_username(), password=password)
        if checked is None or checked.pk != user.pk:
            raise forms.ValidationError("That is not your password.")
        return password


class EnrolForm(PasswordForm):
    name = forms.CharField(
        label="Name of this device",
        max_length=64,
        initial="Authenticator app",
        help_text="So you can tell your devices apart, for example “Work phone”.",
    )
    token = forms.CharField(
        label="Six-digit code the app shows",
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    field_order = ["token", "name", "password"]

    def clean_token(self):
        token = normalise_code(self.cleaned_data["token"])
        if not token.isdigit():
            raise forms.ValidationError("Enter the six digits your app shows.")
        return token
