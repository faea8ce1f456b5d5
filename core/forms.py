"""The GOV.UK Design System's form behaviour, shared by every app's forms."""

import re
from datetime import date

from crispy_forms_gds.fields import DateInputField as GdsDateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Size, Submit
from django import forms


class DateInputField(GdsDateInputField):
    """The GOV.UK date input (day, month, year), with the Design System's messages, which name the date.

    A part left out: "<Label> must include a month"; a date that cannot be (31 2 2026, month 13,
    letters, a year too large): "<Label> must be a real date". The summary links to the part at fault.
    """

    PARTS = ("day", "month", "year")

    def _error(self, message: str, code: str, part: int = 0) -> forms.ValidationError:
        for index, field in enumerate(self.fields):
            field.widget.errors = [message] if index == part else []
        return forms.ValidationError(message, code=code)

    def _real_date_error(self) -> forms.ValidationError:
        return self._error(f"{self.label or 'The date'} must be a real date", "invalid")

    def clean(self, value):
        for field in self.fields:
            field.widget.errors = []
        if isinstance(value, (list, tuple)):
            parts = [str(v).strip() if v is not None else "" for v in value]
            if any(parts):
                missing = [i for i, v in enumerate(parts[:3] + [""] * (3 - len(parts))) if not v]
                if missing:
                    names = " and ".join(self.PARTS[i] for i in missing)
                    raise self._error(f"{self.label or 'The date'} must include a {names}", "incomplete", missing[0])
                if not all(re.fullmatch(r"[0-9]+", v) for v in parts):
                    raise self._real_date_error()
        return super().clean(value)

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        if int(year) < 1000:  # "26" is not 2026: ask rather than guess
            raise self._error(f"{self.label or 'The date'} must include a year with 4 numbers", "invalid", 2)
        try:
            return date(int(year), int(month), int(day))
        except (ValueError, OverflowError) as error:
            raise self._real_date_error() from error


class GovukForm(forms.Form):
    """GOV.UK Design System behaviour shared by the forms: no `maxlength` in the page (a browser would
    cut pasted text off without a word); the length is checked here and said beside the field,
    naming it: "<Label> must be <n> characters or fewer".

    A hidden field (the record's version) that arrives invalid cannot be put right by the person:
    the page is out of date, or was altered. Its error goes to the top of the summary, saying so,
    with code "out_of_date" (the summary links it to the page itself, to reload it).
    """

    OUT_OF_DATE = "This page is out of date. Reload the page, then make your changes again"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.pop("maxlength", None)

    def full_clean(self):
        # Here, not in __init__: a form may change a label after building its fields.
        for name, field in self.fields.items():
            if getattr(field, "max_length", None):
                field.error_messages["max_length"] = f"{self[name].label} must be {field.max_length:,} characters or fewer"
        super().full_clean()
        hidden = [name for name in self._errors if name in self.fields and self.fields[name].widget.is_hidden]
        if hidden:
            for name in hidden:
                del self._errors[name]
            self.add_error(None, forms.ValidationError(self.OUT_OF_DATE, code="out_of_date"))


class VersionedForm(GovukForm):
    """Carries the version of the record the person saw, so a change made meanwhile is not overwritten."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def _helper(self, *fields, submit: str):
        self.helper = FormHelper(self)
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        self.helper.form_tag = False
        self.helper.layout = Layout(*fields, "version", Submit("submit", submit))
