"""What a person types for a survey: the answers grid (the team's recording form and the
respondent's private page share it), the private link's options, and the indicator editor."""

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from accounts.conflicts import EditOrCreateForm
from accounts.forms import DateInput
from scoring import engine
from scoring.models import SurveyIndicator
from scoring.models.surveys import IndicatorGroup
from scoring.surveys import services
from scoring.surveys.services import MIN_ANSWERED

SCALE = [(str(v), str(v)) for v in range(engine.SURVEY_MIN, engine.SURVEY_MAX + 1)]
EARLIEST_ANSWER = dt.date(2000, 1, 1)


def link_day_choices():
    # Built per form, not at import: `%` on a lazy plural translates it on the spot.
    return [
        (days, ngettext("%(days)s day", "%(days)s days", days) % {"days": days})
        for days in services.LINK_DAYS
    ]


LINK_LANGUAGES = [("zh-hans", "中文"), ("en", "English")]


@dataclass
class AnswerFieldRow:
    indicator: SurveyIndicator
    importance: forms.BoundField
    performance: forms.BoundField

    @property
    def errors(self):
        return list(self.importance.errors) + list(self.performance.errors)


class SurveyAnswersForm(forms.Form):
    """Importance and performance 1–5 for each asked indicator. A row left blank was not asked;
    half a row is a mistake to fix; a survey needs a few answers to mean anything."""

    comments = forms.CharField(
        label=_("Comments"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        for indicator in self.indicators:
            for part, label in (
                ("importance", _("Importance")),
                ("performance", _("Performance")),
            ):
                self.fields[self._name(part, indicator)] = forms.TypedChoiceField(
                    label=f"{indicator.label}: {label}",
                    choices=SCALE,
                    coerce=int,
                    required=False,
                    widget=forms.RadioSelect,
                    empty_value=None,
                )

    @staticmethod
    def _name(part: str, indicator) -> str:
        return f"{part[:3]}_{indicator.pk}"

    def groups(self) -> list[tuple[str, list[AnswerFieldRow]]]:
        """The grid for the template, grouped by indicator group."""
        rows = [
            AnswerFieldRow(
                indicator,
                self[self._name("importance", indicator)],
                self[self._name("performance", indicator)],
            )
            for indicator in self.indicators
        ]
        return [
            (label, [row for row in rows if row.indicator.group == key])
            for key, label in IndicatorGroup.choices
            if any(row.indicator.group == key for row in rows)
        ]

    def clean(self):
        data = super().clean()
        answered = 0
        for indicator in self.indicators:
            importance = data.get(self._name("importance", indicator))
            performance = data.get(self._name("performance", indicator))
            if importance is None and performance is None:
                continue
            if importance is None or performance is None:
                missing = "importance" if importance is None else "performance"
                if not self.has_error(self._name(missing, indicator)):
                    self.add_error(
                        self._name(missing, indicator),
                        _("Give both importance and performance, or leave both empty.")
                        if missing == "importance"
                        else _("Give both performance and importance, or leave both empty."),
                    )
                continue
            answered += 1
        if answered < MIN_ANSWERED and not any(
            self.has_error(self._name(part, i))
            for i in self.indicators
            for part in ("importance", "performance")
        ):
            raise forms.ValidationError(
                _("Answer at least %(count)s indicators (importance and performance).")
                % {"count": MIN_ANSWERED},
                code="too_few",
            )
        return data

    def answers(self) -> dict[SurveyIndicator, tuple[int, int]]:
        data = self.cleaned_data
        found = {}
        for indicator in self.indicators:
            importance = data.get(self._name("importance", indicator))
            performance = data.get(self._name("performance", indicator))
            if importance is not None and performance is not None:
                found[indicator] = (importance, performance)
        return found


class RespondentField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} · {obj.title}" if obj.title else obj.name


class RecordSurveyForm(SurveyAnswersForm):
    respondent = RespondentField(
        label=_("Respondent"),
        queryset=None,
        empty_label=pgettext_lazy("select", "Choose a stakeholder…"),
        help_text=_("An active stakeholder of this account who answered."),
    )
    answered_on = forms.DateField(label=_("Answered on"), widget=DateInput())

    field_order = ["respondent", "answered_on"]

    def __init__(self, *args, stakeholders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["respondent"].queryset = stakeholders
        self.fields["answered_on"].initial = timezone.localdate

    def clean_answered_on(self):
        value = self.cleaned_data["answered_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The answer date cannot be in the future."))
        if value < EARLIEST_ANSWER:
            raise forms.ValidationError(
                _("The answer date cannot be before %(day)s.") % {"day": EARLIEST_ANSWER}
            )
        return value


class SendSurveyForm(forms.Form):
    respondent = RespondentField(
        label=_("Send to"),
        queryset=None,
        empty_label=pgettext_lazy("select", "Choose a stakeholder…"),
        help_text=_("An active stakeholder of this account. The link works for them only once."),
    )
    language = forms.ChoiceField(
        label=_("Language of the survey"),
        choices=LINK_LANGUAGES,
        initial="zh-hans",
        widget=forms.RadioSelect,
    )
    expires_in = forms.TypedChoiceField(
        label=_("The link works for"),
        choices=[],
        coerce=int,
        initial=14,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, stakeholders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["respondent"].queryset = stakeholders
        self.fields["expires_in"].choices = link_day_choices()


class IndicatorForm(EditOrCreateForm, forms.ModelForm):
    class Meta:
        model = SurveyIndicator
        fields = [
            "code",
            "group",
            "name",
            "name_zh_hans",
            "question",
            "question_zh_hans",
            "position",
            "is_active",
        ]
        widgets = {
            "question": forms.Textarea(attrs={"rows": 2}),
            "question_zh_hans": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "code": _(
                "A short identifier (letters, digits, hyphens, underscores). "
                "It cannot change once the indicator has answers."
            ),
            "position": _("Indicators are asked in this order, lowest first."),
        }

    def __init__(self, *args, answered: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name_zh_hans"].required = True
        if answered:
            # Old answers are read by code in the risk model and reports: it stays put.
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _(
                "This indicator has answers, so its code cannot change."
            )
