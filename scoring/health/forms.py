"""The health overview's filters (GET, kept in the URL and the pagination) and the risk-model
editor: the policy and one row of fields per factor."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.conflicts import VersionedForm
from accounts.filters import Order, PortfolioFilter, SortedFilterSet, SortFilter, TierFilter
from scoring.health import explain, queries
from scoring.health.risk_model import (
    FactorValues,
    days_field,
    full_field,
    start_field,
    validate_risk_model,
    weight_field,
)
from scoring.models.health import RiskLevel
from scoring.tiers.services import plain_number

# Over the accounts annotated by queries.with_health (risk_change); ties by risk, then name.
_THEN_RISK = (F("health__risk_score").desc(nulls_last=True), "name", "pk")
HEALTH_ORDERS = (
    Order("risk", _("Highest risk first"), _THEN_RISK),
    Order(
        "change",
        _("Biggest rise since last week first"),
        (F("risk_change").desc(nulls_last=True), *_THEN_RISK),
    ),
    Order(
        "fall",
        _("Biggest fall since last week first"),
        (F("risk_change").asc(nulls_last=True), *_THEN_RISK),
    ),
    Order(
        "satisfaction",
        _("Least satisfied first"),
        (F("health__satisfaction_index").asc(nulls_last=True), "name", "pk"),
    ),
)


class HealthFilter(SortedFilterSet, PortfolioFilter):
    """The portfolio filters (region, industry, owner, category) and the health ones."""

    level = django_filters.ChoiceFilter(
        field_name="health__risk_level",
        choices=RiskLevel.choices,
        empty_label=_("Any risk level"),
        label=_("Risk level"),
    )
    tier = TierFilter()
    changed = django_filters.BooleanFilter(
        method="changed_this_week",
        label=_("Changed since last week only"),
        widget=forms.CheckboxInput,
    )
    sort = SortFilter(orders=HEALTH_ORDERS, default="risk", reversible=False)

    # A manager's overview holds only their own accounts: an owner filter has nothing to do.
    owner_for_all_accounts_only = True

    class Meta(PortfolioFilter.Meta):
        fields = ["level", *PortfolioFilter.Meta.fields, "tier", "changed", "sort"]

    def changed_this_week(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Q(risk_change__gt=0) | Q(risk_change__lt=0))


def _number_input(step="any") -> forms.NumberInput:
    return forms.NumberInput(
        attrs={"class": "form-control form-control-sm text-end", "step": step, "size": 6}
    )


def _factor_label(factor_name, part) -> str:
    return _("%(factor)s: %(part)s") % {"factor": factor_name, "part": part}


class RiskModelForm(VersionedForm, forms.Form):
    """The policy's three numbers, then weight, "counts from", "full weight at" and days for each
    factor. Field types and ranges are checked here; the rules between fields (start ≠ full,
    days only where a factor uses them, medium below high) by risk_model.validate_risk_model, so
    no other caller can save a model the engine cannot run. Loaded at the policy's row_version,
    which covers the factors too."""

    medium_from = forms.IntegerField(label=_("Medium risk from"), min_value=1, max_value=100)
    high_from = forms.IntegerField(
        label=_("High risk from"),
        min_value=1,
        max_value=100,
        help_text=_("Crossing into high risk notifies the account manager."),
    )
    satisfaction_window_days = forms.IntegerField(
        label=_("Satisfaction window (days)"),
        min_value=30,
        max_value=1095,
        help_text=_(
            "An account's satisfaction is the average of its surveys in this many days; the trend "
            "compares it with the same length of time before."
        ),
    )

    def __init__(self, *args, factors, **kwargs):
        super().__init__(*args, **kwargs)
        self.factors = list(factors)
        for factor in self.factors:
            code = factor.code
            # The factor's name in each label: the table shows it once per row, but a label is
            # also read alone (by a screen reader, in an edit conflict's list of fields).
            name = explain.FACTOR_NAMES.get(code, code)
            self.fields[weight_field(code)] = forms.IntegerField(
                label=_factor_label(name, _("Weight")),
                min_value=0,
                max_value=100,
                widget=_number_input(1),
            )
            self.fields[start_field(code)] = forms.DecimalField(
                label=_factor_label(name, _("Counts from")),
                max_digits=8,
                decimal_places=2,
                widget=_number_input(),
            )
            self.fields[full_field(code)] = forms.DecimalField(
                label=_factor_label(name, _("Full weight at")),
                max_digits=8,
                decimal_places=2,
                widget=_number_input(),
            )
            self.fields[days_field(code)] = forms.IntegerField(
                label=_factor_label(name, _("Days")),
                required=False,
                min_value=1,
                max_value=1095,
                widget=_number_input(1),
            )

    def stored_initial(self, current) -> dict:
        return self.initial_for(current, queries.risk_factors())

    @classmethod
    def initial_for(cls, policy, factors) -> dict:
        initial = {
            "medium_from": policy.medium_from,
            "high_from": policy.high_from,
            "satisfaction_window_days": policy.satisfaction_window_days,
        }
        for factor in factors:
            initial[weight_field(factor.code)] = factor.weight
            initial[start_field(factor.code)] = plain_number(factor.start)
            initial[full_field(factor.code)] = plain_number(factor.full)
            initial[days_field(factor.code)] = factor.days
        return initial

    def rows(self) -> list[dict]:
        """One row per factor for the template: its words and its bound fields (marked invalid
        where they have errors, with the error tied to the input for screen readers)."""
        for name, field in self.fields.items():
            if name in self.errors and not field.widget.is_hidden:
                field.widget.attrs["class"] += " is-invalid"
                field.widget.attrs["aria-describedby"] = f"id_{name}_error"
        return [
            {
                "factor": factor,
                "name": explain.FACTOR_NAMES.get(factor.code, factor.code),
                "measure": explain.FACTOR_MEASURES.get(factor.code, ""),
                "days_meaning": explain.FACTOR_DAYS.get(factor.code),
                "weight": self[weight_field(factor.code)],
                "start": self[start_field(factor.code)],
                "full": self[full_field(factor.code)],
                "days": self[days_field(factor.code)],
            }
            for factor in self.factors
        ]

    def clean(self):
        """Check the rules between fields too, on whatever is valid so far, so one submit shows
        every mistake (the service checks them again when it saves)."""
        data = super().clean()
        policy = {name: data.get(name) for name in ("medium_from", "high_from")}
        factors = {}
        for f in self.factors:
            names = (weight_field(f.code), start_field(f.code), full_field(f.code))
            if all(data.get(name) is not None for name in names):
                factors[f.code] = FactorValues(
                    *(data[name] for name in names), days=data.get(days_field(f.code))
                )
        try:
            validate_risk_model(policy, factors)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field not in self.errors:
                    self.add_error(field, messages)
        return data

    def policy_data(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("medium_from", "high_from", "satisfaction_window_days")
        }

    def factor_values(self) -> dict[str, FactorValues]:
        data = self.cleaned_data
        return {
            f.code: FactorValues(
                weight=data[weight_field(f.code)],
                start=data[start_field(f.code)],
                full=data[full_field(f.code)],
                days=data.get(days_field(f.code)),
            )
            for f in self.factors
        }
