"""Write side of account assessments. Every assessment is computed by scoring.engine from the
values given and stored with the criteria set it was computed under; the newest is current."""

from collections.abc import Mapping
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.conflicts import EditConflict
from accounts.models import Account
from scoring import engine
from scoring.criteria import services as criteria_services
from scoring.criteria.queries import current_values_by_account
from scoring.models import Assessment, AssessmentSource, CriteriaSet, CriterionScore, SetKind


def _result(criteria_set: CriteriaSet, criteria, values_by_code) -> engine.AccountResult:
    return engine.score_account(
        [c.spec for c in criteria],
        values_by_code,
        Decimal(criteria_set.attractiveness_threshold),
        Decimal(criteria_set.advantage_threshold),
    )


def validate_values(criteria, values_by_code: Mapping[str, int | None]) -> None:
    """Each value within its criterion's scale; raises ValidationError keyed by criterion code."""
    errors = {}
    for criterion in criteria:
        value = values_by_code.get(criterion.code)
        if value is not None and not criterion.scale_min <= value <= criterion.scale_max:
            errors[criterion.code] = _("Score %(value)s is outside the scale %(low)s–%(high)s.") % {
                "value": value,
                "low": criterion.scale_min,
                "high": criterion.scale_max,
            }
    if errors:
        raise ValidationError(errors)


def accounts_assess(
    *,
    criteria_set: CriteriaSet,
    values_by_account: Mapping[int, Mapping[str, int | None]],
    scored_by=None,
    source: str = AssessmentSource.SCORED,
    note: str = "",
    scored_at=None,
    batch_size: int = 2000,
    insert=None,
) -> int:
    """Assess many accounts at once under `criteria_set` (a few statements per batch): the new
    assessments become current, the old ones stay as history. Returns how many were written.
    The caller runs it in a transaction (it is one, when called alone). It checks no right:
    `scored_by` is who the rows name, and the callers decide who may score (account_assess,
    publish's carry-over, the demo data). `insert(model, objs)`
    writes the new rows instead of bulk_create (the demo loads them with COPY)."""
    criteria = list(criteria_set.criteria.all())
    scored_at = scored_at or timezone.now()
    written = 0
    account_ids = list(values_by_account)
    with transaction.atomic():
        for start in range(0, len(account_ids), batch_size):
            batch = account_ids[start : start + batch_size]
            Assessment.objects.filter(account_id__in=batch, is_current=True).update(
                is_current=False
            )
            assessments = []
            for account_id in batch:
                values = values_by_account[account_id]
                validate_values(criteria, values)
                result = _result(criteria_set, criteria, values)
                assessments.append(
                    Assessment(
                        account_id=account_id,
                        criteria_set=criteria_set,
                        source=source,
                        scored_by=scored_by,
                        scored_at=scored_at,
                        note=note,
                        attractiveness=result.attractiveness,
                        advantage=result.advantage,
                        quadrant=result.quadrant or "",
                        is_current=True,
                    )
                )
            scores = (
                CriterionScore(
                    assessment=assessment,
                    criterion=criterion,
                    value=values_by_account[assessment.account_id].get(criterion.code),
                )
                for assessment in assessments
                for criterion in criteria
            )
            if insert is None:
                Assessment.objects.bulk_create(assessments, batch_size=batch_size)
                CriterionScore.objects.bulk_create(scores, batch_size=5000)
            else:
                insert(Assessment, assessments)
                insert(CriterionScore, scores)
            written += len(assessments)
    return written


def account_assess(
    *,
    account,
    criteria_set: CriteriaSet,
    values_by_code: Mapping[str, int | None],
    actor,
    expected_version: int,
    note: str = "",
) -> Assessment:
    """One account scored by its team: a new current assessment (the old one becomes history).

    `expected_version` is the id of the current assessment the form was prefilled from (0: the
    account had none). Assessments are append-only, so there is no row to claim with
    accounts.conflicts.claim(); instead the account's row is locked (two scorings of one account
    take turns) and the current assessment compared with the form's: if someone saved scores
    since, EditConflict, the same refusal as every edit form, and nothing is written."""
    access.require_edit(actor, account)
    with transaction.atomic():
        Account.objects.select_for_update(no_key=True).filter(pk=account.pk).values_list("pk").get()
        current = (
            Assessment.objects.select_related("scored_by")
            .filter(account=account, is_current=True)
            .first()
        )
        if (current.pk if current else 0) != expected_version:
            raise scores_conflict(current)
        accounts_assess(
            criteria_set=criteria_set,
            values_by_account={account.pk: dict(values_by_code)},
            scored_by=actor,
            note=note,
        )
        return Assessment.objects.get(account=account, is_current=True)


def scores_conflict(current: Assessment | None) -> EditConflict:
    """Someone scored the account after the form was loaded: who, when and what is current."""
    return EditConflict(
        model=Assessment,
        pk=current.pk if current else None,
        current=current,
        changed_by=current.scored_by if current else None,
        changed_at=current.scored_at if current else None,
        what=_("account's scores"),
    )


def scores_carry_over(*, criteria_set_id: int, actor_id: int | None = None, batch_size=1000) -> int:
    """After a criteria set is published (scoring.tasks.carry_over_scores): re-score every
    account whose current assessment is under another version with its values
    carried over by criterion code (a value outside a changed scale becomes unscored), in
    batches by account id, each batch its own transaction. Safe to re-run: accounts already
    current under this set are skipped. Returns how many accounts were re-scored."""
    criteria_set = CriteriaSet.objects.filter(pk=criteria_set_id).first()
    if criteria_set is None or not criteria_set.is_published:
        return 0  # discarded, or a newer version was published meanwhile: that one carries over
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    if criteria_set.kind == SetKind.SEGMENT:
        return criteria_services.carry_over_segment_scores(criteria_set, actor)
    specs = [c.spec for c in criteria_set.criteria.all()]
    pending = (
        Assessment.objects.filter(is_current=True)
        .exclude(criteria_set=criteria_set)
        .order_by("account_id")
        .values_list("account_id", flat=True)
    )
    written, last = 0, 0
    while batch := list(pending.filter(account_id__gt=last)[:batch_size]):
        values = current_values_by_account(batch)
        written += accounts_assess(
            criteria_set=criteria_set,
            values_by_account={pk: engine.carry_values(specs, values.get(pk, {})) for pk in batch},
            scored_by=actor,
            source=AssessmentSource.CARRIED_OVER,
        )
        last = batch[-1]
    return written
