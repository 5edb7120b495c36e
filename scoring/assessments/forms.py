from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.conflicts import VersionedForm
from scoring import engine
from scoring.assessments.queries import assessment_values
from scoring.assessments.services import validate_values
from scoring.models import CriteriaSet, Dimension


def scale_help(criterion) -> str:
    """ "0 = A small player … 10 = The leader of its market", so raters score alike."""
    if criterion.low_label and criterion.high_label:
        return _("%(low)s = %(low_means)s … %(high)s = %(high_means)s") % {
            "low": criterion.scale_min,
            "low_means": criterion.low_label,
            "high": criterion.scale_max,
            "high_means": criterion.high_label,
        }
    return _("Scale %(low)s–%(high)s") % {"low": criterion.scale_min, "high": criterion.scale_max}


def _label(criterion) -> str:
    if criterion.weight < 0:
        return _("%(name)s (counts against)") % {"name": criterion.label}
    return criterion.label


class ScoreForm(VersionedForm, forms.Form):
    """One whole-number field per criterion of the set (empty = don't know), and a note. The
    field of a criterion is named by its code, so the service's errors land next to it.

    Its row_version is the id of the current assessment it was prefilled from (0: none), so
    scores someone saved meanwhile are shown beside these rather than silently replaced."""

    # The set the form was drawn from: if an admin publishes another one meanwhile, the scores
    # are checked again by the person rather than silently saved under criteria they never saw.
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What these scores rest on: a visit, figures, the team's discussion."),
    )

    def __init__(self, *args, criteria_set: CriteriaSet, current_values=None, **kwargs):
        self.criteria_set = criteria_set
        self.criteria = list(criteria_set.criteria.all())
        current_values = current_values or {}
        initial = {c.code: current_values.get(c.code) for c in self.criteria}
        initial["version"] = criteria_set.pk
        super().__init__(*args, initial=initial, **kwargs)
        for criterion in self.criteria:
            self.fields[criterion.code] = forms.IntegerField(
                label=_label(criterion),
                required=False,
                help_text=format_html(
                    '{}<span class="d-block kam-scale-help" data-testid="scale-help">{}</span>',
                    criterion.description_label,
                    scale_help(criterion),
                ),
                widget=forms.NumberInput(
                    attrs={
                        "min": criterion.scale_min,
                        "max": criterion.scale_max,
                        "step": 1,
                        "placeholder": _("don't know"),
                        "class": "kam-score-input",
                        "data-testid": "score-input",
                    }
                ),
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            *(
                Fieldset(
                    Dimension(dimension).label,
                    Row(
                        *(
                            Column(c.code, css_class="col-md-6")
                            for c in self.criteria
                            if c.dimension == dimension
                        )
                    ),
                )
                for dimension in engine.DIMENSIONS
                if any(c.dimension == dimension for c in self.criteria)
            ),
            "note",
        )

    def stored_initial(self, current) -> dict:
        return assessment_values(current.pk)

    def values(self) -> dict[str, int | None]:
        return {c.code: self.cleaned_data.get(c.code) for c in self.criteria}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("version") != self.criteria_set.pk:
            raise ValidationError(
                _(
                    "The criteria were changed (now version %(version)s) while you were scoring. "
                    "Check the scores below and save again."
                )
                % {"version": self.criteria_set.version}
            )
        # A field that is not a whole number is already in error and left out here.
        values = self.values()
        try:
            validate_values(self.criteria, values)
        except ValidationError as error:
            for code, messages in error.message_dict.items():
                self.add_error(code, messages)
        if not self.errors and all(value is None for value in values.values()):
            raise ValidationError(_("Score at least one criterion: every field is empty."))
        return cleaned
