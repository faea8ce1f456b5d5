"""The action page's form: its status and the evidence of completion (2.7)."""

from django import forms

from core.forms import VersionedForm

from .choices import ActionStatus


class ActionUpdateForm(VersionedForm):
    status = forms.ChoiceField(choices=ActionStatus.choices, widget=forms.RadioSelect)
    evidence = forms.CharField(
        label="Evidence of completion", widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=20000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper("status", "evidence", submit="Save the action")
