"""The Learning Portal's forms: they check the input; the services check the rules (and say so beside the field)."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Size, Submit
from django import forms

from actions.models import Strength
from core.forms import DateInputField, GovukForm, VersionedForm
from organisation.models import CorporateFunction, ServiceArea

from .choices import HEADINGS, Rung, Source
from .models import LearningOrigin, Theme

TEXT = {"widget": forms.Textarea(attrs={"rows": 5}), "required": False, "max_length": 20000}


def area_choices() -> list[tuple[str, str]]:
    return (
        [("", "Select an area")]
        + [(f"sa-{a.pk}", f"Service area: {a.name}") for a in ServiceArea.objects.all()]
        + [(f"cf-{f.pk}", f"Corporate function: {f.name}") for f in CorporateFunction.objects.all()]
    )


def area_from(value: str) -> tuple:
    """(service area, function) from "sa-<id>" or "cf-<id>"."""
    if value.startswith("sa-") and value[3:].isdigit():
        return ServiceArea.objects.filter(pk=int(value[3:])).first(), None
    if value.startswith("cf-") and value[3:].isdigit():
        return None, CorporateFunction.objects.filter(pk=int(value[3:])).first()
    return None, None


def area_value(item) -> str:
    if item.service_area_id:
        return f"sa-{item.service_area_id}"
    return f"cf-{item.function_id}" if item.function_id else ""


class ItemForm(VersionedForm):
    """The item: title, origin, the five headings of 4.1 word for word, area, themes, guidance (3.1, 3.2)."""

    title = forms.CharField(
        label="Short title",
        max_length=150,
        required=False,
        help_text="Name no child, family or case: the portal is read across the organisation.",
    )
    origin = forms.ModelChoiceField(
        label="Where the learning came from",
        queryset=LearningOrigin.objects.none(),
        required=False,
        empty_label="Select where it came from",
    )
    impact_on_child = forms.CharField(label=HEADINGS[0][1], **TEXT)
    what_cafcass_did = forms.CharField(label=HEADINGS[1][1], **TEXT)
    learning_identified = forms.CharField(label=HEADINGS[2][1], **TEXT)
    how_addressed = forms.CharField(label=HEADINGS[3][1], **TEXT)
    impact_on_practice = forms.CharField(label=HEADINGS[4][1], **TEXT)
    area = forms.ChoiceField(
        label="Area of responsibility",
        required=False,
        help_text="The Assistant Director or Head of Profession of the area is responsible for "
        "the learning being embedded in practice (source 3.6).",
    )
    themes = forms.ModelMultipleChoiceField(
        label="Themes", queryset=Theme.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    covered_by_guidance = forms.TypedChoiceField(
        label="Is the learning already covered by existing policy and practice guidance?",
        required=False,
        choices=[
            ("no", "No: review training, policy and guidance, and cascade it (source 3.2)"),
            ("yes", "Yes: it is covered already"),
        ],
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
        empty_value=None,
    )
    covered_by = forms.CharField(
        label="Which policy and practice guidance covers it", **{**TEXT, "widget": forms.Textarea(attrs={"rows": 2})}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["origin"].queryset = LearningOrigin.objects.filter(active=True)
        self.fields["origin"].label_from_instance = lambda o: f"{o.name} (source {o.source})"
        self.fields["themes"].queryset = Theme.objects.filter(active=True)
        self.fields["area"].choices = area_choices()
        if "version" not in self.initial and not self.is_bound:
            self.fields["version"].required = False
        self._helper(
            "title",
            "origin",
            *(name for name, _ in HEADINGS),
            "area",
            "themes",
            "covered_by_guidance",
            "covered_by",
            submit="Save",
        )


class PublishForm(ItemForm):
    """Publication: the item as it will be read (so that a heading still identifying a child is refused beside
    it), the confirmation that no child is identified, and the reason for weaker actions only."""

    all_weaker_reason = forms.CharField(
        label="Why weaker actions are enough",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Reviews of training, policy and guidance and a cascade are weaker actions on the hierarchy of "
        "intervention effectiveness. Say why they are enough, or add a stronger action once published.",
    )
    confirm_no_identifiers = forms.BooleanField(
        label="I confirm this learning holds no name, initials, case reference, court or other detail that identifies a child",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper(
            "title",
            "origin",
            *(name for name, _ in HEADINGS),
            "area",
            "themes",
            "covered_by_guidance",
            "covered_by",
            "all_weaker_reason",
            "confirm_no_identifiers",
            submit="Publish the learning",
        )


class ActionAddForm(VersionedForm):
    action_description = forms.CharField(
        label="Action", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    action_owner = forms.ModelChoiceField(label="Owner", queryset=None, required=False, empty_label="Select who owns it")
    action_due_date = DateInputField(label="Due date", required=False)
    action_strength = forms.ChoiceField(
        label="Strength on the hierarchy of intervention effectiveness",
        choices=Strength.choices,
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action_owner"].queryset = owners
        self.fields["action_owner"].label_from_instance = lambda u: u.get_full_name() or u.username
        self._helper("action_description", "action_owner", "action_due_date", "action_strength", submit="Add the action")


class CloseForm(VersionedForm):
    rationale = forms.CharField(
        label="Why the item closes",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed unless the learning is sustained.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper("rationale", submit="Close the item")


class CarryForm(GovukForm):
    """2.7: carry the SIN's learning into the portal; which of its open actions go with it."""

    actions = forms.MultipleChoiceField(
        label="Actions carried into the Learning Portal", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, open_actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actions"].choices = [(str(a.pk), a.description[:200]) for a in open_actions]
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.legend_size = Size.SMALL
        self.helper.layout = Layout(
            *(["actions"] if open_actions else []), Submit("submit", "Carry the learning into the portal")
        )


class FilterForm(forms.Form):
    """The portal list's filters (a GET form: no error ever stops the list)."""

    q = forms.CharField(label="Search", required=False, max_length=200)
    source = forms.ChoiceField(
        label="Source", required=False, choices=[("", "Any source")] + [(s.value, f"{s.value}. {s.label}") for s in Source]
    )
    area = forms.ChoiceField(label="Area", required=False)
    theme = forms.ChoiceField(label="Theme", required=False)
    rung = forms.ChoiceField(label="On the ladder", required=False, choices=[("", "Any")] + list(Rung.choices))
    overdue = forms.BooleanField(label="Only items with an overdue action", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "Any area")] + area_choices()[1:]
        self.fields["theme"].choices = [("", "Any theme")] + [(str(t.pk), t.name) for t in Theme.objects.filter(active=True)]

    def values(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}
