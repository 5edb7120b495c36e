"""Surveys and churn-risk levels on the account's History tab (registered from
ScoringConfig.ready): each survey recorded, sent, answered, withdrawn or deleted, by whom; and
each day the churn-risk level moved, from the daily snapshots (the recalculation, not a person,
moved it). One query each, however long the history."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.history import HistoryEntry
from accounts.versions import FieldChange
from scoring.models import HealthSnapshot, RiskLevel, Survey, SurveyChannel, SurveyStatus

SURVEY_KIND = _("Survey")
RISK_KIND = _("Churn risk")
SURVEY_ACTIONS = {
    ("+", SurveyChannel.RECORDED): pgettext_lazy("history action", "recorded"),
    ("+", SurveyChannel.LINK): pgettext_lazy("history action", "link sent"),
    ("~", SurveyStatus.COMPLETED): pgettext_lazy("history action", "answered"),
    ("~", SurveyStatus.WITHDRAWN): pgettext_lazy("history action", "link withdrawn"),
    ("-", None): pgettext_lazy("history action", "deleted"),
}


def _index(value) -> str:
    return "" if value is None else f"{value:.1f}"


def survey_history(account) -> list[HistoryEntry]:
    entries = []
    rows = (
        Survey.history.filter(account_id=account.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    last_status = {}
    for row in rows:
        kind = row.history_type
        if kind == "+":
            action = SURVEY_ACTIONS[("+", row.channel)]
            if row.status == SurveyStatus.COMPLETED and row.channel == SurveyChannel.RECORDED:
                changes = [
                    FieldChange(str(_("Satisfaction index")), "", _index(row.satisfaction_index))
                ]
            else:
                changes = []
        elif kind == "~":
            # Only a change of status is news (answered, withdrawn); other saves are not.
            if last_status.get(row.id) == row.status or ("~", row.status) not in SURVEY_ACTIONS:
                last_status[row.id] = row.status
                continue
            action = SURVEY_ACTIONS[("~", row.status)]
            changes = (
                [FieldChange(str(_("Satisfaction index")), "", _index(row.satisfaction_index))]
                if row.status == SurveyStatus.COMPLETED
                else []
            )
        else:
            action, changes = SURVEY_ACTIONS[("-", None)], []
        last_status[row.id] = row.status
        entries.append(
            HistoryEntry(
                when=row.history_date,
                who=row.history_user,
                subject_kind=str(SURVEY_KIND),
                subject=row.respondent_name,
                action=str(action),
                changes=changes,
            )
        )
    return entries


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def risk_level_history(account) -> list[HistoryEntry]:
    days = (
        HealthSnapshot.objects.filter(account_id=account.pk)
        .order_by("day")
        .values_list("day", "risk_level", "risk_score")
    )
    entries = []
    previous = None
    for day, level, score in days:
        if previous is not None and previous[0] != level:
            entries.append(
                HistoryEntry(
                    when=_start_of(day),
                    who=None,
                    subject_kind=str(RISK_KIND),
                    subject=f"{score}",
                    action=str(pgettext_lazy("history action", "level changed")),
                    changes=[
                        FieldChange(
                            str(_("Risk level")),
                            str(RiskLevel(previous[0]).label),
                            str(RiskLevel(level).label),
                        )
                    ],
                )
            )
        previous = (level, score)
    return entries
