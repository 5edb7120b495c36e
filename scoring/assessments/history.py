"""The account's assessments on its History tab (registered from ScoringConfig.ready): each
scoring or carry-over, with the indices and quadrant it moved from and to."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.history import HistoryEntry
from accounts.versions import FieldChange
from scoring.models import Assessment, AssessmentSource, Quadrant

SUBJECT_KIND = _("Scores")
ACTIONS = {
    AssessmentSource.SCORED: pgettext_lazy("history action", "scored"),
    AssessmentSource.CARRIED_OVER: _("carried over to a new criteria version"),
}


def _index(value) -> str:
    return "—" if value is None else f"{value:.1f}"


def _quadrant(code: str) -> str:
    return str(Quadrant(code).label) if code else "—"


def assessment_history(account) -> list[HistoryEntry]:
    assessments = (
        Assessment.objects.filter(account_id=account.pk)
        .select_related("scored_by", "criteria_set")
        .order_by("scored_at", "pk")
    )
    entries = []
    previous = None
    for assessment in assessments:
        changes = []
        for label, attribute, show in (
            (_("Attractiveness index"), "attractiveness", _index),
            (_("Advantage index"), "advantage", _index),
            (_("Quadrant"), "quadrant", _quadrant),
        ):
            new = getattr(assessment, attribute)
            old = getattr(previous, attribute) if previous is not None else None
            if previous is not None and old == new:
                continue
            changes.append(
                FieldChange(
                    label=str(label),
                    old=show(old) if previous is not None else "",
                    new=show(new),
                )
            )
        entries.append(
            HistoryEntry(
                when=assessment.scored_at,
                who=assessment.scored_by,
                subject_kind=str(SUBJECT_KIND),
                subject=str(assessment.criteria_set),
                action=str(ACTIONS.get(assessment.source, "")),
                changes=changes,
            )
        )
        previous = assessment
    return entries
