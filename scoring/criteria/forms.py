from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.conflicts import EditOrCreateForm, VersionedForm
from scoring import engine
from scoring.criteria.services import CRITERION_FIELDS, SET_FIELDS
from scoring.models import CriteriaSet, Criterion, SetKind


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*layout)
    return helper


class CriteriaSetForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = CriteriaSet
        fields = list(SET_FIELDS)
        widgets = {"change_note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("attractiveness_threshold", "advantage_threshold"):
            self.fields[name].widget.attrs.update({"min": 0, "max": 100, "step": "0.01"})
        thresholds = Row(
            Column("attractiveness_threshold", css_class="col-md-6"),
            Column("advantage_threshold", css_class="col-md-6"),
        )
        if self.instance.kind == SetKind.SEGMENT:
            # Segments are ranked, not placed in the matrix: no thresholds to set.
            del self.fields["attractiveness_threshold"], self.fields["advantage_threshold"]
            thresholds = None
        self.helper = _helper(
            Row(Column("name", css_class="col-md-6"), Column("name_zh_hans", css_class="col-md-6")),
            "change_note",
            *([thresholds] if thresholds else []),
        )

    def validate_constraints(self):
        """One draft per kind is the service's business; the thresholds have field validators."""


class CriterionForm(EditOrCreateForm, forms.ModelForm):
    class Meta:
        model = Criterion
        fields = list(CRITERION_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "description_zh_hans": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, criteria_set: CriteriaSet, next_position: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria_set = criteria_set
        self.instance.criteria_set = criteria_set
        if not self.instance.pk:
            self.initial.setdefault("position", next_position)
        self.fields["weight"].widget.attrs.update(
            {"min": engine.WEIGHT_MIN, "max": engine.WEIGHT_MAX}
        )
        self.fields["code"].help_text = _(
            "Lower-case letters, digits, - and _, e.g. digital_maturity. Scores carry over to the "
            "next version by this code: keep it when you only reword a criterion."
        )
        self.fields["position"].help_text = _("Order within its dimension.")
        self.helper = _helper(
            Row(
                Column("code", css_class="col-md-4"),
                Column("dimension", css_class="col-md-4"),
                Column("weight", css_class="col-md-2"),
                Column("position", css_class="col-md-2"),
            ),
            Row(Column("name", css_class="col-md-6"), Column("name_zh_hans", css_class="col-md-6")),
            Row(
                Column("description", css_class="col-md-6"),
                Column("description_zh_hans", css_class="col-md-6"),
            ),
            Fieldset(
                _("Scale"),
                Row(
                    Column("scale_min", css_class="col-md-2"),
                    Column("low_means", css_class="col-md-5"),
                    Column("low_means_zh_hans", css_class="col-md-5"),
                ),
                Row(
                    Column("scale_max", css_class="col-md-2"),
                    Column("high_means", css_class="col-md-5"),
                    Column("high_means_zh_hans", css_class="col-md-5"),
                ),
            ),
        )

    def clean_code(self):
        code = self.cleaned_data["code"]
        duplicates = Criterion.objects.filter(criteria_set=self.criteria_set, code=code)
        if self.instance.pk:
            duplicates = duplicates.exclude(pk=self.instance.pk)
        if duplicates.exists():
            raise forms.ValidationError(_("This set already has a criterion with this code."))
        return code

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("scale_min"), cleaned.get("scale_max")
        if low is not None and high is not None and high <= low:
            self.add_error(
                "scale_max",
                _("The scale must go from a lower to a higher number: make this above %(low)s.")
                % {"low": low},
            )
        return cleaned

    def validate_constraints(self):
        """Checked in clean() and clean_code(), next to the fields they concern."""


class PublishForm(forms.Form):
    """The confirmation before a draft goes live: what changed and why, kept with the version."""

    change_note = forms.CharField(
        label=_("What changed and why"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required. Everyone sees it beside the version, in the list of versions."),
        error_messages={
            "required": _("Say what changed and why: everyone sees it beside the version.")
        },
    )
