from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.conflicts import ConflictRow, EditOrCreateForm, VersionedForm
from accounts.forms import DateInput
from planning.models import Opportunity
from planning.pipeline import stages
from planning.pipeline.services import OPPORTUNITY_FIELDS


def _fragment_helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class OpportunityForm(EditOrCreateForm, forms.ModelForm):
    class Meta:
        model = Opportunity
        fields = list(OPPORTUNITY_FIELDS)
        widgets = {
            "value": forms.NumberInput(attrs={"min": 0, "step": "0.01"}),
            "probability": forms.NumberInput(attrs={"min": 0, "max": 100}),
            "expected_close": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value"].help_text = _("What the opportunity is worth if it is won.")
        self.fields["probability"].help_text = _(
            "The chance of winning it, from 0 to 100. It follows the stage (10 at the first, up "
            "to 80 at closing) unless you change it."
        )
        self.helper = _fragment_helper()
        self.helper.layout = Layout(
            "name",
            Row(
                Column("value", css_class="col-md-4"),
                Column("probability", css_class="col-md-4"),
                Column("expected_close", css_class="col-md-4"),
            ),
        )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Name the opportunity."))
        return name

    def clean_value(self):
        value = self.cleaned_data["value"]
        if value is not None and value < 0:
            raise forms.ValidationError(_("The value cannot be negative."))
        return value

    def clean_probability(self):
        probability = self.cleaned_data["probability"]
        if probability is not None and not 0 <= probability <= 100:
            raise forms.ValidationError(_("The probability is a percentage between 0 and 100."))
        return probability


class CriteriaField(forms.MultipleChoiceField):
    """The current stage's criteria are offered; any known criterion is let through, so that a
    form from before a move reaches the service and is refused as the edit conflict it is (the
    service holds the criteria to the stage)."""

    def valid_value(self, value):
        return value in stages.CRITERIA_BY_CODE


class StageField(forms.ChoiceField):
    """The stages a move may go to from the current one are offered; any stage but lost (it has
    its own form) is let through, so that a form from before someone else's move reaches the
    service and is refused as the edit conflict it is (the service holds the pipeline's rules)."""

    def valid_value(self, value):
        return value in stages.Stage.values and value != stages.Stage.LOST


class CriteriaForm(VersionedForm):
    criteria = CriteriaField(
        label=_("Exit criteria of this stage"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, opportunity: Opportunity, **kwargs):
        kwargs.setdefault("initial", {"criteria": list(opportunity.criteria_met or [])})
        super().__init__(*args, row_version=opportunity.row_version, **kwargs)
        self.fields["criteria"].choices = [
            (c.code, c.label) for c in stages.criteria_of(opportunity.stage)
        ]
        self.helper = _fragment_helper()

    def stored_initial(self, current) -> dict:
        return {"criteria": list(current.criteria_met or [])}


class MoveForm(VersionedForm):
    to_stage = StageField(label=_("Move to"))
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Needed when exit criteria are unticked, and to reopen a closed opportunity."),
    )

    def __init__(self, *args, opportunity: Opportunity, **kwargs):
        super().__init__(*args, row_version=opportunity.row_version, **kwargs)
        following = stages.next_stage(opportunity.stage)
        if following:
            self.fields["to_stage"].initial = following
        # Lost has its own form (it always needs a reason); a closed one can only be reopened.
        targets = [
            stage
            for stage in stages.BOARD_STAGES
            if stage != opportunity.stage
            and stage != stages.Stage.LOST
            and (stages.is_open(opportunity.stage) or stages.is_open(stage))
        ]
        self.fields["to_stage"].choices = [(s, stages.label_of(s)) for s in targets]
        self.helper = _fragment_helper()

    def stored_initial(self, current) -> dict:
        return {}  # nothing of a move is stored as such: the stage row below says where it is

    def show_conflict(self, error, extra_rows=()):
        rows = list(extra_rows)
        to_stage = getattr(self, "cleaned_data", {}).get("to_stage")
        if error.current is not None and to_stage:
            rows.insert(
                0,
                ConflictRow(
                    name=self["to_stage"].html_name,
                    label=str(_("Stage")),
                    yours=stages.label_of(to_stage),
                    stored=stages.label_of(error.current.stage),
                    stored_value="",
                    can_copy=False,
                ),
            )
        super().show_conflict(error, extra_rows=rows)


class LostForm(VersionedForm):
    lost_reason = forms.CharField(
        label=_("Why was it lost?"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, opportunity: Opportunity, **kwargs):
        super().__init__(*args, row_version=opportunity.row_version, **kwargs)
        self.helper = _fragment_helper()

    def stored_initial(self, current) -> dict:
        return {"lost_reason": current.lost_reason}

    def clean_lost_reason(self):
        text = self.cleaned_data["lost_reason"].strip()
        if not text:
            raise forms.ValidationError(_("Say why the opportunity was lost."))
        return text
