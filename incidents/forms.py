"""Forms for each step. They check input; the services check the rules of the process."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size, Submit
from django import forms
from django.contrib.auth import get_user_model

from core.forms import DateInputField, GovukForm, VersionedForm
from organisation.models import CorporateFunction, ServiceArea, Team

from .choices import FINAL_DECISIONS, INITIAL_DECISIONS, Kind, Proposal, Stage
from .models import Criterion
from .services import CR1_FIELDS, FORM_FIELDS, FormData


class IncidentForm(VersionedForm):
    """The serious incident notification form (2.1, 2.2; non-case categories 2.11)."""

    place = forms.ChoiceField(label="Team", required=True, error_messages={"required": "Select the team"})
    criteria = forms.MultipleChoiceField(
        label="Which criteria are met?",
        help_text="Select all that apply.",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    other_description = forms.CharField(
        label="If 'Other', please specify", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )
    title = forms.CharField(
        label="Short title", help_text="For lists and alerts. Do not include a child's name.", max_length=150, required=False
    )
    children = forms.CharField(
        label="Child or children",
        help_text="Initials and age of each child only. Do not enter full names or dates of birth.",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
    case_reference = forms.CharField(label="Cafcass case reference", max_length=40, required=False)
    court = forms.CharField(max_length=150, required=False)
    incident_date = DateInputField(label="Date of the incident", help_text="For example, 27 3 2026", required=False)
    aware_date = DateInputField(label="Date Cafcass became aware", help_text="For example, 28 3 2026", required=False)
    what_happened = forms.CharField(
        label="What happened", widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=20000
    )
    cafcass_involvement = forms.CharField(
        label="Cafcass's involvement", widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=20000
    )
    other_agencies = forms.CharField(
        label="Other agencies involved", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=10000
    )
    media_risk = forms.CharField(
        label="Media or reputational risk", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=10000
    )
    immediate_actions = forms.CharField(
        label="Immediate actions taken", widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=20000
    )

    def __init__(self, *args, kind: str = Kind.CASE, places=None, creating: bool = False, answering: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if answering:
            # Returned with questions (2.2): the answer is recorded in the timeline when it is resubmitted.
            self.fields["answer"] = forms.CharField(
                label="Your answer to the Assistant Director's questions",
                help_text="Say what you changed in the form and why. The Assistant Director sees your answer beside the changes.",
                widget=forms.Textarea(attrs={"rows": 5}),
                required=False,
                max_length=20000,
            )
            self.order_fields(["answer"])
        self.fields["criteria"].choices = [
            (c.code, c.text) for c in Criterion.objects.filter(kind=kind, active=True).order_by("order")
        ]
        if kind == Kind.NON_CASE:
            self.fields["criteria"].label = "Which kind of incident is it?"
            self.fields["place"].label = "Service area or corporate function"
            self.fields["place"].error_messages["required"] = "Select the service area or corporate function"
            # No "Other" criterion among the non-case categories (2.11), so nothing to specify.
            for name in ("children", "case_reference", "court", "other_description"):
                del self.fields[name]
            self.fields["cafcass_involvement"].label = "Who and what is affected"
        if creating:
            self.fields["place"].choices = [("", "Select")] + list(places or [])
            self.fields["version"].required = False
        else:
            del self.fields["place"]
        fields = [name for name in self.fields if name not in ("version",)]
        self.helper = FormHelper(self)
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        self.helper.form_tag = False
        buttons = [Submit("save", "Save draft")]
        if not creating:
            buttons.append(Submit("save_and_submit", "Save and submit"))
        self.helper.layout = Layout(*fields, "version", *buttons)

    def form_data(self) -> FormData:
        values = {name: self.cleaned_data.get(name) for name in FORM_FIELDS if name in self.fields}
        return FormData(criteria=self.cleaned_data.get("criteria") or [], values=values)


def place_choices_for_case(user) -> list[tuple[str, str]]:
    from organisation.selectors import teams_for_author

    return [(f"team:{t.pk}", str(t)) for t in teams_for_author(user).order_by("name")]


def place_choices_for_non_case(user) -> list[tuple[str, str]]:
    from organisation.selectors import access_for

    access = access_for(user)
    areas = [(f"area:{a.pk}", str(a)) for a in ServiceArea.objects.filter(pk__in=access.service_area_ids)]
    functions = [(f"function:{f.pk}", str(f)) for f in CorporateFunction.objects.filter(pk__in=access.function_ids)]
    return areas + functions


def resolve_place(value: str) -> dict:
    kind, _, pk = value.partition(":")
    model = {"team": Team, "area": ServiceArea, "function": CorporateFunction}[kind]
    key = {"team": "team", "area": "service_area", "function": "function"}[kind]
    return {key: model.objects.get(pk=int(pk))}


class TextStepForm(VersionedForm):
    """A step that records one piece of text: questions, reasons, rationale, comments."""

    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=20000)

    def __init__(self, *args, label: str, submit: str, required: bool = True, hint: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = label
        self.fields["text"].required = required
        self.fields["text"].help_text = hint
        self.fields["text"].error_messages["required"] = f"Enter {label[0].lower()}{label[1:]}"
        self._helper("text", submit=submit)


class AnalysisForm(VersionedForm):
    """The Assistant Director's analysis and proposal (2.2)."""

    analysis = forms.CharField(
        label="Your analysis of the situation",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        error_messages={"required": "Enter your analysis of the situation"},
    )
    proposal = forms.ChoiceField(
        label="Does it meet the criteria to share with CMT?",
        choices=Proposal.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether it meets the criteria to share with CMT"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper("analysis", "proposal", submit="Send to the Operational Director")


class ActionFieldsMixin(forms.Form):
    action_description = forms.CharField(
        label="Action", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )
    action_owner = forms.ModelChoiceField(label="Owner", queryset=get_user_model().objects.none(), required=False)
    action_due_date = DateInputField(label="Due date", required=False)

    def set_owner_choices(self, owners):
        self.fields["action_owner"].queryset = owners
        self.fields["action_owner"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.username}{' (' + u.job_title + ')' if u.job_title else ''}"
        )


class ServiceCheckedChoiceField(forms.ChoiceField):
    """Radios whose value the step's service checks (with the rest of the form, so every problem shows at once)."""

    def valid_value(self, value) -> bool:
        return True


class DecisionForm(VersionedForm, ActionFieldsMixin):
    """A CEO decision with its rationale; a briefing when sharing; an action when asking for more (2.4, 2.6)."""

    # Not required here: the service checks the decision, the rationale, the briefing and the
    # action together, so that every problem is reported at once.
    decision = ServiceCheckedChoiceField(label="Decision", widget=forms.RadioSelect, required=False)
    rationale = forms.CharField(label="Rationale", widget=forms.Textarea(attrs={"rows": 4}), max_length=20000, required=False)
    comments = forms.CharField(label="Final comments", widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=20000)
    briefing_title = forms.CharField(
        label="Briefing title",
        required=False,
        max_length=150,
        help_text="When sharing with the Board or the Chair. No child's name.",
    )
    briefing_text = forms.CharField(
        label="Briefing to share",
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=20000,
        help_text="Only this text is shown to the Board or the Chair. Do not include anything that identifies a child.",
    )

    def __init__(self, *args, final: bool, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [(d.value, d.label) for d in (FINAL_DECISIONS if final else INITIAL_DECISIONS)]
        self.set_owner_choices(owners)
        fields = ["decision", "rationale"]
        if final:
            fields.append("comments")
        else:
            del self.fields["comments"]
        fields += ["briefing_title", "briefing_text"]
        # Only the first decision can ask for further action, which needs an action.
        legend = "Action (optional)" if final else "Action requested (optional; required for further action)"
        fields.append(Fieldset(Field("action_description"), Field("action_owner"), Field("action_due_date"), legend=legend))
        self._helper(*fields, submit="Record the final decision" if final else "Record the decision")


class CaseReviewForm(VersionedForm):
    """The CR1 case review form (2.3)."""

    summary = forms.CharField(label="Case summary", widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=50000)
    chronology = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), required=False, max_length=50000)
    analysis_of_practice = forms.CharField(
        label="Analysis of practice", widget=forms.Textarea(attrs={"rows": 8}), required=False, max_length=50000
    )
    findings = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=50000)
    learning_identified = forms.CharField(
        label="Learning identified", widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=50000
    )
    recommendations = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=50000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.label_size = Size.SMALL
        self.helper.form_tag = False
        self.helper.layout = Layout(
            *CR1_FIELDS,
            "version",
            Submit("submit_review", "Submit for sign-off"),
            Submit("save_draft", "Save as draft", css_class="govuk-button--secondary"),
        )


class ActionForm(VersionedForm, ActionFieldsMixin):
    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_owner_choices(owners)
        for name in ("action_description", "action_owner", "action_due_date"):
            self.fields[name].required = True
        self.fields["action_description"].error_messages["required"] = "Enter the action"
        self.fields["action_owner"].error_messages["required"] = "Select who owns the action"
        self.fields["action_due_date"].error_messages["required"] = "Enter the date the action is due"
        self._helper("action_description", "action_owner", "action_due_date", submit="Add the action")


class IncidentFilterForm(GovukForm):
    """Filters of the incident lists (GET)."""

    q = forms.CharField(label="Reference or title", required=False, max_length=100)
    stage = forms.ChoiceField(label="Stage", required=False, choices=[("", "Any")] + list(Stage.choices))
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "Any")] + list(Kind.choices))
    criterion = forms.ModelChoiceField(
        label="Criterion", required=False, queryset=Criterion.objects.all(), to_field_name="code", empty_label="Any"
    )
    region = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    service_area = forms.TypedChoiceField(label="Service area", required=False, coerce=int, empty_value=None)
    submitted_from = forms.DateField(
        label="Submitted from",
        required=False,
        help_text="For example, 2026-03-27",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    submitted_to = forms.DateField(label="Submitted to", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One query for both lists.
        areas = list(ServiceArea.objects.select_related("region").order_by("region__name", "name"))
        regions = sorted({(a.region_id, a.region.name) for a in areas}, key=lambda r: r[1])
        self.fields["region"].choices = [("", "Any"), *regions]
        self.fields["service_area"].choices = [("", "Any"), *((a.pk, a.name) for a in areas)]
        self.helper = FormHelper(self)
        self.helper.form_method = "get"
        self.helper.label_size = Size.SMALL
        self.helper.add_input(Submit("apply", "Apply filters"))
