from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.conflicts import VersionedForm
from accounts.models import (
    STAGE_LADDER,
    Account,
    DecisionStyle,
    HighLow,
    RelationshipStage,
    StageAssessment,
)
from accounts.relationship import ladder
from accounts.relationship.services import PROFILE_FIELDS


def _fragment_helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class StageChangeForm(VersionedForm, forms.Form):
    """The account's stage fields: the form carries the account's version."""

    to_stage = forms.ChoiceField(label=_("Current stage"), choices=RelationshipStage.choices)
    target_stage = forms.ChoiceField(
        label=_("Target stage"),
        choices=[("", _("No target")), *[(s.value, s.label) for s in STAGE_LADDER]],
        required=False,
        help_text=_("Where the team means to take the relationship."),
    )
    rationale = forms.CharField(
        label=_("Rationale"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you observed that justifies the stage: it is kept in the timeline."),
    )

    def __init__(self, *args, account: Account, **kwargs):
        initial = {"to_stage": account.relationship_stage, "target_stage": account.target_stage}
        kwargs.setdefault("initial", initial)
        super().__init__(*args, row_version=account.row_version, **kwargs)
        self.helper = _fragment_helper()
        self.helper.layout = Layout(
            Row(
                Column("to_stage", css_class="col-md-6"),
                Column("target_stage", css_class="col-md-6"),
            ),
            "rationale",
        )

    def stored_initial(self, current) -> dict:
        return {"to_stage": current.relationship_stage, "target_stage": current.target_stage}

    def clean_rationale(self):
        text = self.cleaned_data["rationale"].strip()
        if not text:
            raise forms.ValidationError(_("Say why the stage changes."))
        return text


class StageAssessmentForm(VersionedForm, forms.Form):
    """A run of the checklist, started from the latest one. Its version is the latest
    assessment's id, 0 when there is none (services.stage_assess says why)."""

    signs = forms.MultipleChoiceField(
        label=_("Signs you observe"),
        choices=[
            (RelationshipStage(stage).label, [(s.code, s.label) for s in ladder.signs_of(stage)])
            for stage in ladder.CHECKLIST_STAGES
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, latest: StageAssessment | None, **kwargs):
        kwargs.setdefault("initial", {"signs": latest.signs if latest else []})
        super().__init__(*args, row_version=latest.pk if latest else 0, **kwargs)

    def stored_initial(self, current) -> dict:
        return {"signs": current.signs}


def _high_low(label, help_text=""):
    return forms.ChoiceField(
        label=label,
        choices=[("", _("Not assessed")), *HighLow.choices],
        required=False,
        help_text=help_text,
    )


class RelationshipProfileForm(VersionedForm, forms.Form):
    """Account fields: the form carries the account's version."""

    seller_intent = _high_low(_("Our intent"), _("How much we want a key-account relationship."))
    buyer_intent = _high_low(_("Their intent"), _("How much they want a close relationship."))
    offering_importance = _high_low(
        _("Importance of our offering to them"), _("How critical what we sell is to them.")
    )
    relative_spend = _high_low(
        _("Their relative spend with us"), _("How much they buy from us compared with others.")
    )
    decision_style = forms.ChoiceField(
        label=_("Decision-making unit"),
        choices=[("", _("Not assessed")), *DecisionStyle.choices],
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, account: Account, **kwargs):
        kwargs.setdefault("initial", {name: getattr(account, name) for name in PROFILE_FIELDS})
        super().__init__(*args, row_version=account.row_version, **kwargs)
        self.fields["decision_style"].choices = [
            (style.value, f"{style.label} — {ladder.DECISION_STYLE_GUIDES[style]}")
            for style in DecisionStyle
        ] + [("", _("Not assessed"))]
        self.helper = _fragment_helper()
        self.helper.layout = Layout(
            Row(
                Column("seller_intent", css_class="col-md-6"),
                Column("buyer_intent", css_class="col-md-6"),
            ),
            Row(
                Column("offering_importance", css_class="col-md-6"),
                Column("relative_spend", css_class="col-md-6"),
            ),
            "decision_style",
        )

    def stored_initial(self, current) -> dict:
        return {name: getattr(current, name) for name in PROFILE_FIELDS}
