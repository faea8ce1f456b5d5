"""The forms of the cascade (3.5), of checks in practice (3.6) and of reviews of progress.

The forms check the input (present, well formed, one of the choices offered);
the services check the rules and raise ValidationError keyed by these fields.
"""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Size, Submit
from django import forms

from core.forms import DateInputField, GovukForm, VersionedForm
from documents.files import ACCEPTED, FileRejected, read_upload

from .models.cascade import CascadeMethod, StaffAlert
from .models.checks import Finding, Forum
from .selectors_cascade import area_from_key, area_key


def _helper(form, *fields, submit: str) -> FormHelper:
    helper = FormHelper(form)
    helper.form_tag = False
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    helper.layout = Layout(*fields, Submit("submit", submit))
    return helper


class CascadeDecisionForm(GovukForm):
    methods = forms.MultipleChoiceField(
        label="How will the learning be cascaded?",
        choices=CascadeMethod.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply (source 3.5).",
        error_messages={"required": "Select at least one method of cascading the learning"},
    )
    rationale = forms.CharField(
        label="Why these methods (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(self, "methods", "rationale", submit="Agree the cascade")


class OmtForm(GovukForm):
    omt_date = DateInputField(label="Date of the OMT meeting", help_text="For example, 27 3 2026", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(self, "omt_date", submit="Record the OMT")


class SamForm(GovukForm):
    service_area = forms.ModelChoiceField(
        label="Service area",
        queryset=None,
        empty_label=None,
        error_messages={"required": "Select the service area", "invalid_choice": "Select the service area"},
    )
    meeting_date = DateInputField(label="Date of the SAM", help_text="For example, 27 3 2026", required=False)

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_area"].queryset = areas
        self.helper = _helper(self, "service_area", "meeting_date", submit="Record the SAM")


class TeamMeetingForm(GovukForm):
    team = forms.ModelChoiceField(
        label="Team",
        queryset=None,
        empty_label=None,
        error_messages={"required": "Select the team", "invalid_choice": "Select the team"},
    )
    meeting_date = DateInputField(label="Date of the team meeting", help_text="For example, 27 3 2026", required=False)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.helper = _helper(self, "team", "meeting_date", submit="Confirm the team meeting")


class StaffAlertForm(GovukForm):
    kind = forms.ChoiceField(
        label="Which alert",
        choices=StaffAlert.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a knowledge alert or a legal alert"},
    )
    title = forms.CharField(label="Title", max_length=150, error_messages={"required": "Enter the title of the alert"})
    text = forms.CharField(
        label="What the alert says",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text="It goes to every member of staff: never name or describe a child.",
        error_messages={"required": "Enter what the alert says"},
    )

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, v) for k, v in StaffAlert.Kind.choices if k in kinds]
        if len(self.fields["kind"].choices) == 1:  # the only alert the cascade chose
            self.fields["kind"].initial = self.fields["kind"].choices[0][0]
        self.helper = _helper(self, "kind", "title", "text", submit="Send the alert to all staff")


class CheckForm(GovukForm):
    forum = forms.ChoiceField(
        label="Where was the check made?",
        choices=Forum.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select where the check was made"},
    )
    area = forms.ChoiceField(
        label="Area checked", error_messages={"required": "Select the area checked", "invalid_choice": "Select the area checked"}
    )
    checked_on = DateInputField(label="Date of the check", help_text="For example, 27 3 2026", required=False)
    finding = forms.ChoiceField(
        label="What did the check find?",
        choices=Finding.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the check found"},
    )
    evidence = forms.CharField(
        label="Evidence",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        help_text="What shows the finding: audits, supervision, practice observed. Never name a child.",
        error_messages={"required": "Enter the evidence for the finding"},
    )
    evidence_file = forms.FileField(label="Evidence file (optional)", required=False, help_text=f"It must be {ACCEPTED}.")

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(area_key(area), str(area)) for area in areas]
        self.helper = _helper(
            self, "forum", "area", "checked_on", "finding", "evidence", "evidence_file", submit="Record the check"
        )

    def clean_area(self):
        return area_from_key(self.cleaned_data["area"])

    def clean_evidence_file(self):
        uploaded = self.cleaned_data.get("evidence_file")
        if not uploaded:
            return None
        try:
            data, _ = read_upload(uploaded)
        except FileRejected as error:
            raise forms.ValidationError(error.message) from error
        return uploaded.name, data


class ProgressReviewScheduleForm(GovukForm):
    due_date = DateInputField(label="Review due by", help_text="For example, 27 3 2027", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(self, "due_date", submit="Schedule the review")


class ProgressReviewRecordForm(VersionedForm):
    held_on = DateInputField(label="Date of the review", help_text="For example, 27 3 2026", required=False)
    notes = forms.CharField(
        label="What the review found",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20000,
        error_messages={"required": "Enter what the review found"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper("held_on", "notes", submit="Record the review")
