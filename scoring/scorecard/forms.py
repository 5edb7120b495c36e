from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row
from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.conflicts import VersionedForm
from scoring.models import ValueScorecard
from scoring.scorecard.queries import LEVEL_FIELD_NAMES, LEVEL_WORDS
from scoring.scorecard.services import SCORECARD_FIELDS

CLASS_RULE = _(
    "The potential class follows from X and Y: A when Y is large (3 or more) with at least two "
    "steps to win (Y − X ≥ 2); C when there is nothing left to win (X ≥ Y) or Y is 1 or less; "
    "B otherwise."
)


def _level_choices():
    return [("", _("— not assessed —"))] + [
        (value, f"{value} · {word}") for value, word in LEVEL_WORDS.items()
    ]


class ScorecardForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = ValueScorecard
        fields = list(SCORECARD_FIELDS)
        help_texts = {
            "current_purchases": _("How much of what we sell they buy from us today."),
            "growth_potential": _("How much their need for what we sell will grow."),
            "expected_years": _("How many more years you expect them to stay a customer (1–50)."),
            "on_time_delivery_actual": _("From logistics: the records here cannot know it."),
            "satisfaction_actual": _(
                "Only for an account without recent surveys: once it has one, the Value tab "
                "shows the index computed from them instead."
            ),
            "share_of_wallet_target": _("Compared with X ÷ Y."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in LEVEL_FIELD_NAMES:
            model_field = self.fields[name]
            self.fields[name] = forms.TypedChoiceField(
                label=model_field.label,
                help_text=model_field.help_text,
                choices=_level_choices(),
                coerce=int,
                empty_value=None,
                required=False,
            )
        self.fields["vip_reason"].help_text = _("Required for a VIP, e.g. industry reference.")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(
                _("Share of wallet and potential"),
                Row(
                    Column("current_purchases", css_class="col-md-3"),
                    Column("purchase_capacity", css_class="col-md-3"),
                    Column("growth_potential", css_class="col-md-3"),
                    Column("strategic_value", css_class="col-md-3"),
                ),
                HTML(format_html('<p class="small text-body-secondary">{}</p>', CLASS_RULE)),
            ),
            Fieldset(
                _("VIP and lifetime"),
                Row(
                    Column("is_vip", css_class="col-md-2 pt-md-4"),
                    Column("vip_reason", css_class="col-md-6"),
                    Column("expected_years", css_class="col-md-4"),
                ),
            ),
            Fieldset(
                _("Targets"),
                Row(
                    Column("revenue_target", css_class="col-md-4"),
                    Column("margin_rate_target", css_class="col-md-4"),
                ),
                Row(
                    Column("on_time_delivery_target", css_class="col-md-4"),
                    Column("on_time_delivery_actual", css_class="col-md-4"),
                    Column("complaints_on_time_target", css_class="col-md-4"),
                ),
                Row(
                    Column("satisfaction_target", css_class="col-md-4"),
                    Column("satisfaction_actual", css_class="col-md-4"),
                    Column("share_of_wallet_target", css_class="col-md-4"),
                ),
                Row(
                    Column("visits_target", css_class="col-md-4"),
                    Column("pipeline_target", css_class="col-md-4"),
                ),
            ),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_vip") and not (cleaned.get("vip_reason") or "").strip():
            self.add_error(
                "vip_reason", _("Say why this account is a VIP: what influence does it have?")
            )
        return cleaned
