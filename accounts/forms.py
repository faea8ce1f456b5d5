"""Sign-in forms: password first, then the code from an authenticator app."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been switched off. Ask an administrator.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "spellcheck": "false"})
        self.helper = FormHelper(self)
        self.helper.label_size = "s"
        self.helper.add_input(Submit("submit", "Continue"))


class TokenForm(forms.Form):
    """The six-digit code from the person's authenticator app."""

    token = forms.CharField(
        label="Security code",
        help_text="The 6-digit code shown in your authenticator app.",
        max_length=6,
        min_length=6,
        error_messages={
            "required": "Enter the 6-digit security code",
            "min_length": "The security code must be 6 digits",
            "max_length": "The security code must be 6 digits",
        },
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "govuk-input--width-5",
            }
        ),
    )

    def __init__(self, *args, submit_label: str = "Sign in", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.label_size = "s"
        self.helper.add_input(Submit("submit", submit_label))

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError("The security code must be 6 digits")
        return token


class EnrolmentCodeForm(forms.Form):
    """The one-time code an administrator had emailed to the person, before a first authenticator is set up."""

    code = forms.CharField(
        label="Set-up code",
        help_text="The 12-character code in the email 'your code to set up your authenticator app', for example ABCD-EFGH-JKMN.",
        max_length=40,
        error_messages={"required": "Enter the set-up code from your email"},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters", "class": "govuk-input--width-10"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.label_size = "s"
        self.helper.add_input(Submit("submit", "Continue"))

    def clean_code(self) -> str:
        from .services import ENROLMENT_CODE_ALPHABET, ENROLMENT_CODE_LENGTH, normalise_enrolment_code

        code = normalise_enrolment_code(self.cleaned_data["code"])
        if len(code) != ENROLMENT_CODE_LENGTH or any(ch not in ENROLMENT_CODE_ALPHABET for ch in code):
            raise forms.ValidationError("The set-up code is 12 letters and numbers, as in the email")
        return code


class ChangePasswordForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.label_size = "s"
        self.helper.add_input(Submit("submit", "Change password"))
