"""Upload forms: size and type errors are shown beside the file field."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Size, Submit
from django import forms

from .files import ACCEPTED, FileRejected, max_upload_bytes, read_upload
from .models import Attachment
from .reader import DocumentImportError, check_container


def _size_hint() -> str:
    from django.template.defaultfilters import filesizeformat

    return filesizeformat(max_upload_bytes())


def _helper(form, *fields, submit: str) -> FormHelper:
    helper = FormHelper(form)
    helper.form_tag = False
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    helper.layout = Layout(*fields, Submit("submit", submit))
    return helper


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="Upload a file", error_messages={"required": "Select a file", "empty": "The selected file is empty"}
    )
    purpose = forms.ChoiceField(
        label="What is the file for?",
        widget=forms.RadioSelect,
        initial=Attachment.Purpose.INCIDENT,
        choices=[(Attachment.Purpose.INCIDENT, "The notification"), (Attachment.Purpose.CASE_REVIEW, "The case review (CR1)")],
    )

    def __init__(self, *args, with_case_review: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = f"{ACCEPTED[0].upper()}{ACCEPTED[1:]}, smaller than {_size_hint()}."
        if not with_case_review:
            del self.fields["purpose"]
        self.helper = _helper(self, *self.fields, submit="Upload the file")

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        try:
            self.file_bytes, self.file_type = read_upload(uploaded)
        except FileRejected as error:
            raise forms.ValidationError(error.message) from error
        return uploaded


class ImportForm(forms.Form):
    place = forms.ChoiceField(
        label="Where the incident belongs",
        help_text="A team for the case-related SIN form; a service area or corporate function for the non-case form.",
        error_messages={"required": "Select where the incident belongs", "invalid_choice": "Select where the incident belongs"},
    )
    file = forms.FileField(
        label="Upload the completed SIN form",
        error_messages={"required": "Select the completed SIN form", "empty": "The selected file is empty"},
    )

    def __init__(self, *args, places: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = [("", "Select")] + places
        self.fields["file"].help_text = f"A Word document (.docx) made from a blank SIN form, smaller than {_size_hint()}."
        self.helper = _helper(self, "place", "file", submit="Import the form")

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        try:
            self.file_bytes, _ = read_upload(uploaded, word_only=True)
            check_container(self.file_bytes)
        except FileRejected as error:
            raise forms.ValidationError(error.message) from error
        except DocumentImportError as error:
            raise forms.ValidationError(error.message) from error
        return uploaded
