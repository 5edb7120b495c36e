from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.conflicts import ButtonForm, EditOrCreateForm, VersionedForm
from accounts.forms import DateInput
from planning.models.plans import AccountPlan, Action, ActionStatus, Objective, PlanStatus
from planning.plans.services import ACTION_FIELDS, OBJECTIVE_FIELDS, PLAN_FIELDS


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if layout:
        helper.layout = Layout(*layout)
    return helper


class PlanForm(EditOrCreateForm, forms.ModelForm):
    class Meta:
        model = AccountPlan
        fields = list(PLAN_FIELDS)
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "strengths": forms.Textarea(attrs={"rows": 4}),
            "weaknesses": forms.Textarea(attrs={"rows": 4}),
            "opportunities": forms.Textarea(attrs={"rows": 4}),
            "threats": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "summary": _(
                "The plan in two or three sentences: where the account is, where we take it."
            ),
            "strengths": _("Ours, with this account."),
            "weaknesses": _("Ours, with this account."),
            "opportunities": _("In the account and its market."),
            "threats": _("Competitors, budgets, people leaving…"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.initial.setdefault("year", timezone.localdate().year)
        self.helper = _helper(
            Row(Column("year", css_class="col-md-3"), Column("status", css_class="col-md-3")),
            "summary",
            Row(
                Column("strengths", css_class="col-md-6"),
                Column("weaknesses", css_class="col-md-6"),
            ),
            Row(
                Column("opportunities", css_class="col-md-6"),
                Column("threats", css_class="col-md-6"),
            ),
        )

    def validate_constraints(self):
        """The one-active-plan rule is checked by the service, which names the field."""


class PlanStatusForm(ButtonForm):
    status = forms.ChoiceField(label=_("Status"), choices=PlanStatus.choices)


class PlanCopyForm(forms.Form):
    year = forms.IntegerField(label=_("Year of the new plan"), min_value=2000, max_value=2100)

    def __init__(self, *args, plan: AccountPlan, **kwargs):
        kwargs.setdefault("initial", {"year": plan.year + 1})
        super().__init__(*args, **kwargs)
        self.fields["year"].help_text = _(
            "A new draft with the SWOT, the objectives (actuals reset, due dates moved) and their "
            "actions (open again)."
        )
        self.helper = _helper(Row(Column("year", css_class="col-md-4")))


class ObjectiveForm(EditOrCreateForm, forms.ModelForm):
    class Meta:
        model = Objective
        fields = list(OBJECTIVE_FIELDS)
        widgets = {"due_on": DateInput()}
        help_texts = {
            "title": _("Specific: what changes at the account."),
            "metric": _("How you measure it, e.g. revenue, share of wallet, sites served."),
            "due_on": _("Within the plan's year."),
        }

    def __init__(self, *args, plan: AccountPlan, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.initial.setdefault("due_on", f"{plan.year}-12-31")
        self.helper = _helper(
            "title",
            Row(Column("metric", css_class="col-md-8"), Column("unit", css_class="col-md-4")),
            Row(
                Column("baseline", css_class="col-md-3"),
                Column("target", css_class="col-md-3"),
                Column("actual", css_class="col-md-3"),
                Column("due_on", css_class="col-md-3"),
            ),
        )


class ActualForm(VersionedForm):
    """The objective's actual alone: on its own page, and inline under the objective on the plan
    page (which posts the objective's version too)."""

    actual = forms.DecimalField(label=_("Actual"), max_digits=16, decimal_places=2)

    def __init__(self, *args, objective: Objective, **kwargs):
        kwargs.setdefault("initial", {"actual": objective.actual})
        super().__init__(*args, row_version=objective.row_version, **kwargs)
        self.helper = _helper()

    def stored_initial(self, current) -> dict:
        return {"actual": current.actual}


class ActionForm(EditOrCreateForm, forms.ModelForm):
    class Meta:
        model = Action
        fields = list(ACTION_FIELDS)
        widgets = {"due_on": DateInput()}
        help_texts = {"due_on": _("Within the plan's year.")}

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = team
        self.fields["owner"].empty_label = _("Nobody yet")
        self.fields["owner"].help_text = _("Someone on the account team.")
        self.fields["status"].choices = ActionStatus.choices
        self.helper = _helper(
            "description",
            Row(
                Column("owner", css_class="col-md-4"),
                Column("due_on", css_class="col-md-4"),
                Column("status", css_class="col-md-4"),
            ),
        )
