from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Fieldset, Layout, Row
from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.conflicts import EditOrCreateForm, VersionedForm
from accounts.forms import DateInput
from accounts.models import Account
from planning.models import Commitment, Visit, VisitStatus
from planning.visits import queries
from planning.visits.services import PREPARE_FIELDS


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


SPIN_HINTS = {
    "situation_questions": _(
        "Facts about their current situation — ask few, and only what you could not find out "
        "beforehand."
    ),
    "problem_questions": _(
        "Difficulties, dissatisfactions and problems they have with how things are today."
    ),
    "implication_questions": _(
        "The consequences of those problems — what they cost, delay or put at risk — so the "
        "problem feels bigger."
    ),
    "need_payoff_questions": _(
        "Get them to say the value of solving it in their own words: “How would it help if…?”"
    ),
}
SPIN_GROUPS = tuple(SPIN_HINTS)


class StakeholderChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, person):
        parts = [person.name, person.get_buying_role_display(), person.get_attitude_display()]
        if person.title:
            parts.insert(1, person.title)
        return " · ".join(str(part) for part in parts)


class TeamChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return str(user)


class VisitForm(EditOrCreateForm, forms.ModelForm):
    attendees = StakeholderChoiceField(
        label=_("Their people"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("From the stakeholder map: buying role and attitude shown after each name."),
        error_messages={"invalid_choice": _("Choose people who work at this account.")},
    )
    our_attendees = TeamChoiceField(
        label=_("Our people"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose people from the account team.")},
    )

    # Who goes (visit_save takes the people apart from the fields), after when and what kind.
    field_order = ["starts_at", "kind", "attendees", "our_attendees"]

    class Meta:
        model = Visit
        fields = [*PREPARE_FIELDS, "attendees", "our_attendees"]
        widgets = {
            "starts_at": DateTimeInput(),
            "objective": forms.Textarea(attrs={"rows": 2}),
            "situation_questions": forms.Textarea(attrs={"rows": 3}),
            "problem_questions": forms.Textarea(attrs={"rows": 3}),
            "implication_questions": forms.Textarea(attrs={"rows": 3}),
            "need_payoff_questions": forms.Textarea(attrs={"rows": 3}),
            "expected_objections": forms.Textarea(attrs={"rows": 2}),
            "concession_limit": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "expected_objections": _("What they are likely to object, and how you will answer."),
            "concession_limit": _("The most you can give away in this conversation."),
        }
        error_messages = {"objective": {"required": _("Say what this visit should achieve.")}}

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = queries.invitable_stakeholders(account, self.instance)
        team = queries.team_users(account)
        self.fields["our_attendees"].queryset = get_user_model().objects.filter(
            pk__in=[user.pk for user in team]
        )
        self.fields["starts_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        for name, hint in SPIN_HINTS.items():
            self.fields[name].help_text = hint
            self.fields[name].widget.attrs["placeholder"] = _("One question per line")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(
                _("When and who"),
                Row(
                    Column("starts_at", css_class="col-md-6"),
                    Column("kind", css_class="col-md-6"),
                ),
                Row(
                    Column(Field("attendees"), css_class="col-md-7 kam-visit-people"),
                    Column(Field("our_attendees"), css_class="col-md-5 kam-visit-people"),
                ),
            ),
            Fieldset(_("Objective"), "objective"),
            Fieldset(
                _("SPIN questions"),
                Row(
                    Column("situation_questions", css_class="col-md-6"),
                    Column("problem_questions", css_class="col-md-6"),
                ),
                Row(
                    Column("implication_questions", css_class="col-md-6"),
                    Column("need_payoff_questions", css_class="col-md-6"),
                ),
            ),
            Fieldset(
                _("Negotiation"),
                Row(
                    Column("expected_objections", css_class="col-md-6"),
                    Column("concession_limit", css_class="col-md-6"),
                ),
            ),
        )

    def clean_objective(self):
        value = (self.cleaned_data.get("objective") or "").strip()
        if not value:
            raise forms.ValidationError(_("Say what this visit should achieve."))
        return value


YES_NO = [("yes", _("Yes")), ("no", _("No"))]
THREE_QUESTIONS = ("helped_them", "helped_us", "helped_relationship")


def _yes_no(label):
    # Kept as the words on the buttons (report() gives True/False), so a conflict lists them as
    # the person read them.
    return forms.ChoiceField(
        label=label,
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Answer yes or no.")},
    )


class VisitReportForm(VersionedForm):
    """The report of a planned visit, which changes the same row as its preparation: it carries
    the visit's version (`row_version=visit.row_version`), so a report refuses to go over a
    preparation changed, or a report saved, since the page was opened."""

    outcome = forms.CharField(
        label=_("Outcome"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say how the visit went.")},
    )
    buying_signals = forms.CharField(
        label=_("Buying signals seen"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Questions about price, delivery or terms; asking who else uses it; nods…"),
    )
    commitment = forms.ChoiceField(
        label=_("Commitment obtained"),
        choices=[("", "—"), *Commitment.choices],
        error_messages={
            "required": _("Choose the commitment you obtained, or “None obtained”."),
            "invalid_choice": _("Choose one of the listed commitments."),
        },
    )
    next_step = forms.CharField(label=_("Next step"), max_length=300, required=False)
    next_step_on = forms.DateField(label=_("Next step due"), required=False, widget=DateInput())
    helped_them = _yes_no(_("Did it help them?"))
    helped_us = _yes_no(_("Did it help us?"))
    helped_relationship = _yes_no(_("Did it help the relationship?"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(_("What happened"), "outcome", "buying_signals", "commitment"),
            Fieldset(
                _("Next step"),
                Row(
                    Column("next_step", css_class="col-md-8"),
                    Column("next_step_on", css_class="col-md-4"),
                ),
            ),
            Fieldset(
                _("The three-question check"),
                Row(
                    Column(Field("helped_them"), css_class="col-md-4"),
                    Column(Field("helped_us"), css_class="col-md-4"),
                    Column(Field("helped_relationship"), css_class="col-md-4"),
                ),
            ),
        )

    def stored_initial(self, current) -> dict:
        # A planned visit has no report stored, as the page shows a blank form: nothing of the
        # form differs, the change was to the preparation. Someone else's report is listed.
        if current.status != VisitStatus.REPORTED:
            return {}
        stored = {name: getattr(current, name) for name in self.fields if name != "row_version"}
        for name in THREE_QUESTIONS:
            stored[name] = {True: "yes", False: "no"}.get(stored[name], "")
        return stored

    def report(self) -> dict:
        """The report's fields as services.visit_report takes them."""
        fields = {name: self.cleaned_data[name] for name in self.fields if name != "row_version"}
        for name in THREE_QUESTIONS:
            fields[name] = fields[name] == "yes"
        return fields

    def clean(self):
        data = super().clean()
        step, due = (data.get("next_step") or "").strip(), data.get("next_step_on")
        if step and due is None and "next_step_on" not in self.errors:
            self.add_error("next_step_on", _("Give the date of the next step."))
        elif due is not None and not step:
            self.add_error("next_step", _("Say what the next step is, or clear its date."))
        elif due is not None and due < timezone.localdate():
            self.add_error("next_step_on", _("The next step cannot be in the past."))
        return data
