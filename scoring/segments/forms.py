from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.conflicts import EditOrCreateForm, VersionedForm
from scoring.models import Segment
from scoring.segments.queries import segment_values
from scoring.segments.services import SEGMENT_FIELDS


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if layout:
        helper.layout = Layout(*layout)
    return helper


class SegmentForm(EditOrCreateForm, forms.ModelForm):
    class Meta:
        model = Segment
        fields = list(SEGMENT_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "name": _("E.g. Government, Education, Finance."),
            "description": _("Which customers the segment covers, so everyone scores alike."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Row(Column("name", css_class="col-md-6"), Column("name_zh_hans", css_class="col-md-6")),
            Row(Column("industry", css_class="col-md-6")),
            "description",
        )

    def validate_unique(self):
        """The service checks the name (case-insensitive) and names the field."""


class SegmentScoreForm(VersionedForm, forms.Form):
    """One whole-number field per criterion of the set, within its scale; empty = not scored.
    Loaded at the segment's row_version, which moves on whenever its scores change."""

    def __init__(self, *args, criteria, criteria_set, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        self.criteria_set = criteria_set
        for criterion in self.criteria:
            hint = _("%(low)s–%(high)s. Leave empty if not known.") % {
                "low": criterion.scale_min,
                "high": criterion.scale_max,
            }
            if criterion.low_label or criterion.high_label:
                hint = _("%(low)s = %(low_means)s, %(high)s = %(high_means)s. %(rest)s") % {
                    "low": criterion.scale_min,
                    "low_means": criterion.low_label or "—",
                    "high": criterion.scale_max,
                    "high_means": criterion.high_label or "—",
                    "rest": _("Leave empty if not known."),
                }
            if criterion.weight < 0:
                hint = _("Counts against: a high score lowers the total. %(hint)s") % {"hint": hint}
            self.fields[criterion.code] = forms.IntegerField(
                label=criterion.label,
                required=False,
                min_value=criterion.scale_min,
                max_value=criterion.scale_max,
                help_text=hint,
                widget=forms.NumberInput(
                    attrs={"min": criterion.scale_min, "max": criterion.scale_max, "step": 1}
                ),
            )
        self.helper = _helper(
            *(Row(*(Column(c.code, css_class="col-md-6") for c in pair)) for pair in self._pairs())
        )

    def _pairs(self):
        return [self.criteria[i : i + 2] for i in range(0, len(self.criteria), 2)]

    def stored_initial(self, current) -> dict:
        return segment_values(current, self.criteria_set)

    def values_by_code(self) -> dict[str, int | None]:
        return {c.code: self.cleaned_data.get(c.code) for c in self.criteria}
