from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Layout, Row
from django import forms
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from accounts.conflicts import VersionedForm
from scoring.models import TierBasis, TierMethod
from scoring.tiers import queries
from scoring.tiers.services import (
    RuleValues,
    min_value_field,
    plain_number,
    top_percent_field,
)


class TierRulesForm(VersionedForm, forms.Form):
    """The policy and, per tier, its threshold and its top percentage. Both are kept whatever the
    method, so an admin can switch methods without retyping; the method says which one counts.
    Loaded at the policy's row_version, which covers the rules too."""

    basis = forms.ChoiceField(label=_("Measured on"), choices=TierBasis.choices)
    method = forms.ChoiceField(
        label=_("Method"),
        choices=TierMethod.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Value thresholds: an account worth at least the amount joins the tier. Portfolio "
            "percentiles: the largest accounts, by share of all accounts, join the tier."
        ),
    )

    def __init__(self, *args, tiers, **kwargs):
        super().__init__(*args, **kwargs)
        self.tiers = list(tiers)
        rows = []
        *upper, last = self.tiers or [None]
        for tier in upper:
            self.fields[min_value_field(tier)] = forms.DecimalField(
                label=_("%(tier)s: at least (¥)") % {"tier": tier.label},
                required=False,
                max_digits=16,
                decimal_places=2,
            )
            self.fields[top_percent_field(tier)] = forms.DecimalField(
                label=_("%(tier)s: top %%") % {"tier": tier.label},
                required=False,
                max_digits=5,
                decimal_places=2,
            )
            rows.append(
                Row(
                    Column(min_value_field(tier), css_class="col-md-6"),
                    Column(top_percent_field(tier), css_class="col-md-6"),
                )
            )
        if last is not None:
            # The last tier has no rule of its own: it takes what the tiers above leave.
            rows.append(
                HTML(
                    '<p class="form-text mb-3" data-testid="tier-last-note">'
                    + escape(_("%(tier)s: every other account.") % {"tier": last.label})
                    + "</p>"
                )
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(Column("basis", css_class="col-md-6"), Column("method", css_class="col-md-6")),
            *rows,
        )

    @classmethod
    def initial_for(cls, policy, tiers) -> dict:
        initial = {"basis": policy.basis, "method": policy.method}
        for tier in tiers:
            rule = tier.tier_rule
            initial[min_value_field(tier)] = plain_number(rule.min_value) if rule else None
            initial[top_percent_field(tier)] = plain_number(rule.top_percent) if rule else None
        return initial

    def stored_initial(self, current) -> dict:
        return self.initial_for(current, queries.tiers_with_rules())

    def rules(self) -> dict[int, RuleValues]:
        return {
            tier.pk: RuleValues(
                self.cleaned_data.get(min_value_field(tier)),
                self.cleaned_data.get(top_percent_field(tier)),
            )
            for tier in self.tiers[:-1]
        }
