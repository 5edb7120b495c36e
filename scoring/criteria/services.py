"""Write side of the criteria editor: a draft started from the published set, edited, published
(the old set archived) and every account's scores carried over to the new version by criterion
code. Only drafts change; published and archived sets are the record of how accounts were
chosen.

Two admins may work on the same draft: every change names the version its page was loaded at
(`expected_version`, the `row_version` column, not the set's published `version` v1, v2…) and is
refused with EditConflict if someone saved since (accounts.conflicts). A draft is one document:
a change to any of its criteria moves the set's row_version on too, so Publish, which carries the
set's row_version, publishes exactly the draft that was on the page."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accounts import access, outbox
from accounts.conflicts import claim
from scoring import engine
from scoring.models import (
    Assessment,
    CriteriaSet,
    Criterion,
    Dimension,
    Segment,
    SegmentScore,
    SetKind,
    SetStatus,
)

SET_FIELDS = (
    "name",
    "name_zh_hans",
    "change_note",
    "attractiveness_threshold",
    "advantage_threshold",
)
CRITERION_FIELDS = (
    "code",
    "dimension",
    "name",
    "name_zh_hans",
    "description",
    "description_zh_hans",
    "weight",
    "scale_min",
    "scale_max",
    "low_means",
    "low_means_zh_hans",
    "high_means",
    "high_means_zh_hans",
    "position",
)
# Copied to a new draft: everything but the set and the primary key.
_COPIED = CRITERION_FIELDS

# The task (scoring.tasks, a layer above) is asked for by name.
CARRY_OVER_SCORES = "scoring.tasks.carry_over_scores"


def _with_history_user(instance, actor):
    instance._history_user = actor
    return instance


def _unknown(fields: dict, allowed) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


def _require_draft(criteria_set: CriteriaSet) -> None:
    if not criteria_set.is_draft:
        raise ValidationError(
            _(
                "Version %(version)s is %(status)s: it can no longer change. Start a draft to "
                "change the criteria."
            )
            % {
                "version": criteria_set.version,
                "status": criteria_set.get_status_display().lower(),
            }
        )


def _locked(criteria_set: CriteriaSet) -> CriteriaSet:
    """The set, re-read under a row lock: the status may have changed since the page loaded."""
    return CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)


def _criteria_changed(locked: CriteriaSet, actor) -> None:
    """Move the (locked) set's row_version on after one of its criteria changed, with a history
    row by `actor`: a page loaded before (Publish, the set's form) is now stale, and its conflict
    message names who changed the draft."""
    locked._change_reason = "criteria changed"
    _with_history_user(locked, actor).save(update_fields=["row_version"])


# --- Drafts ---------------------------------------------------------------------------------


def criteria_draft_start(*, kind: str, actor) -> tuple[CriteriaSet, bool]:
    """The kind's draft: the existing one (only one at a time), or a new one copied from the
    published set with its criteria and codes. Returns (draft, created)."""
    access.require_admin(actor)
    if kind not in SetKind.values:
        raise ValueError(f"unknown kind {kind!r}")
    existing = CriteriaSet.objects.filter(kind=kind, status=SetStatus.DRAFT).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return _copy_published(kind, actor), True
    except IntegrityError:
        # Two admins started a draft at the same moment: the other one won; use theirs.
        return CriteriaSet.objects.get(kind=kind, status=SetStatus.DRAFT), False


def _copy_published(kind: str, actor) -> CriteriaSet:
    published = CriteriaSet.objects.filter(kind=kind, status=SetStatus.PUBLISHED).first()
    version = (CriteriaSet.objects.filter(kind=kind).aggregate(v=Max("version"))["v"] or 0) + 1
    draft = CriteriaSet(
        kind=kind,
        version=version,
        status=SetStatus.DRAFT,
        based_on=published,
        created_by=actor,
        name=published.name if published else SetKind(kind).label,
        name_zh_hans=published.name_zh_hans if published else "",
    )
    if published is not None:
        draft.attractiveness_threshold = published.attractiveness_threshold
        draft.advantage_threshold = published.advantage_threshold
    _with_history_user(draft, actor).save()
    if published is not None:
        bulk_create_with_history(
            [
                Criterion(criteria_set=draft, **{field: getattr(c, field) for field in _COPIED})
                for c in published.criteria.all()
            ],
            Criterion,
            default_user=actor,
            default_change_reason="copied to a new draft",
        )
    return draft


def criteria_set_update(
    *, criteria_set: CriteriaSet, actor, expected_version: int, fields: dict
) -> CriteriaSet:
    """Change the draft's name, note and thresholds from a form loaded at `expected_version`."""
    access.require_admin(actor)
    _unknown(fields, SET_FIELDS)
    with transaction.atomic():
        # Claimed (and locked) unchanged since the form: this copy, read after it, is current.
        claim(criteria_set, expected_version=expected_version)
        _require_draft(criteria_set)
        for name, value in fields.items():
            setattr(criteria_set, name, value)
        criteria_set.full_clean(exclude=["created_by", "published_by", "based_on"])
        _with_history_user(criteria_set, actor).save()
    return criteria_set


def criteria_draft_discard(*, criteria_set: CriteriaSet, actor, expected_version: int) -> None:
    """Delete the draft as it was when the page was loaded: not one someone changed since."""
    access.require_admin(actor)
    with transaction.atomic():
        claim(criteria_set, expected_version=expected_version)
        _require_draft(criteria_set)
        try:
            for criterion in criteria_set.criteria.all():
                _with_history_user(criterion, actor).delete()
            _with_history_user(criteria_set, actor).delete()
        except ProtectedError:
            # Something was scored under the draft (a script, not the product): keep it.
            raise ValidationError(
                _("Accounts have been scored under this draft, so it cannot be discarded.")
            ) from None


# --- Criteria of a draft --------------------------------------------------------------------


def _duplicate_code_error() -> ValidationError:
    return ValidationError({"code": _("This set already has a criterion with this code.")})


def criterion_save(
    *,
    criteria_set: CriteriaSet,
    criterion: Criterion | None,
    actor,
    fields: dict,
    expected_version: int | None = None,
) -> Criterion:
    """Add a criterion to a draft (criterion=None) or change one of its criteria from a form
    loaded at `expected_version` (the criterion's; required for a change)."""
    access.require_admin(actor)
    _unknown(fields, CRITERION_FIELDS)
    with transaction.atomic():
        # The set first, then the criterion: every writer of a draft locks in this order, so two
        # of them never wait for each other. Nothing is written before the claim.
        locked = _locked(criteria_set)
        if criterion is None:
            criterion = Criterion(criteria_set=locked)
        else:
            claim(criterion, expected_version=expected_version)
            if criterion.criteria_set_id != locked.pk:
                raise ValueError("criterion of another set")
        _require_draft(locked)
        for name, value in fields.items():
            setattr(criterion, name, value)
        others = Criterion.objects.filter(criteria_set=locked, code=criterion.code)
        if others.exclude(pk=criterion.pk).exists():
            raise _duplicate_code_error()
        criterion.full_clean(exclude=["criteria_set"], validate_constraints=False)
        if criterion.scale_max <= criterion.scale_min:
            raise ValidationError(
                {"scale_max": _("The scale must go from a lower to a higher number.")}
            )
        try:
            with transaction.atomic():
                _with_history_user(criterion, actor).save()
        except IntegrityError:
            raise _duplicate_code_error() from None
        _criteria_changed(locked, actor)
    return criterion


def criterion_delete(*, criterion: Criterion, actor, expected_version: int) -> None:
    """Remove a criterion of a draft, as it was when the page was loaded."""
    access.require_admin(actor)
    with transaction.atomic():
        locked = _locked(criterion.criteria_set)  # the set first, as in criterion_save
        claim(criterion, expected_version=expected_version)
        _require_draft(locked)
        _with_history_user(criterion, actor).delete()
        _criteria_changed(locked, actor)


# --- Publishing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Published:
    criteria_set: CriteriaSet
    archived: CriteriaSet | None
    # Accounts whose current scores are carried over to the new version after the commit.
    accounts_to_rescore: int


def _check_publishable(criteria_set: CriteriaSet, criteria: list[Criterion]) -> None:
    if not criteria:
        raise ValidationError(_("This set has no criteria: add at least one before publishing."))
    if criteria_set.kind != SetKind.ACCOUNT:
        if not any(c.weight for c in criteria):
            raise ValidationError(
                _("Every criterion weighs zero: give at least one criterion a weight.")
            )
        return
    for dimension in (Dimension.ATTRACTIVENESS, Dimension.ADVANTAGE):
        if not any(c.weight for c in criteria if c.dimension == dimension):
            raise ValidationError(
                _(
                    "“%(dimension)s” has no criterion with a weight other than zero, so no "
                    "account could be placed in the matrix. Give at least one criterion there "
                    "a weight."
                )
                % {"dimension": dimension.label}
            )


def criteria_set_publish(
    *, criteria_set: CriteriaSet, actor, expected_version: int, change_note: str
) -> Published:
    """The draft becomes the published set and the one before it is archived, in one
    transaction; after the commit every scored account is re-scored under the new version
    (carry_over_scores), so each account's scores name the version they were computed under.

    `expected_version` is the draft's row_version on the page the admin published from: a draft
    changed since (its name, note, thresholds or any criterion) is refused, not published
    unseen. `change_note` says what changed and why: it is required, and stays with the
    version in its history."""
    access.require_admin(actor)
    change_note = (change_note or "").strip()
    with transaction.atomic():
        claim(criteria_set, expected_version=expected_version)
        _require_draft(criteria_set)
        if not change_note:
            raise ValidationError(
                {"change_note": _("Say what changed and why: everyone sees it beside the version.")}
            )
        _check_publishable(criteria_set, list(criteria_set.criteria.all()))
        previous = (
            CriteriaSet.objects.select_for_update()
            .filter(kind=criteria_set.kind, status=SetStatus.PUBLISHED)
            .first()
        )
        if previous is not None:
            previous.status = SetStatus.ARCHIVED
            _with_history_user(previous, actor).save(update_fields=["status"])
        criteria_set.status = SetStatus.PUBLISHED
        criteria_set.published_by = actor
        criteria_set.published_at = timezone.now()
        criteria_set.change_note = change_note
        _with_history_user(criteria_set, actor).save(
            update_fields=["status", "published_by", "published_at", "change_note"]
        )
        if criteria_set.kind == SetKind.ACCOUNT:
            to_rescore = Assessment.objects.filter(is_current=True).count()
        else:
            to_rescore = 0
        set_id, actor_id = criteria_set.pk, getattr(actor, "pk", None)
        # A worker carries the scores over after the commit (scoring.assessments.services.
        # carry_over_scores; in tests and `make run` Celery runs eagerly, so it is done on return).
        outbox.enqueue(CARRY_OVER_SCORES, set_id, actor_id)
    return Published(criteria_set, previous, to_rescore)


def carry_over_segment_scores(criteria_set: CriteriaSet, actor) -> int:
    """After a segment criteria set is published (scoring.assessments.services.scores_carry_over):
    segment scores hang off criteria, so copy each segment's scores from the version before to
    the new criteria with the same code. Returns how many segments got scores."""
    previous = (
        CriteriaSet.objects.filter(
            kind=criteria_set.kind,
            status=SetStatus.ARCHIVED,
            version__lt=criteria_set.version,
        )
        .order_by("-version")
        .first()
    )
    if previous is None:
        return 0
    new_by_code = {c.code: c for c in criteria_set.criteria.all()}
    already = set(
        SegmentScore.objects.filter(criterion__criteria_set=criteria_set).values_list(
            "segment_id", "criterion_id"
        )
    )
    copies = []
    for score in SegmentScore.objects.filter(criterion__criteria_set=previous).select_related(
        "criterion"
    ):
        target = new_by_code.get(score.criterion.code)
        if target is None or (score.segment_id, target.pk) in already:
            continue
        carried = engine.carry_values([target.spec], {target.code: score.value})
        copies.append(
            SegmentScore(
                segment_id=score.segment_id,
                criterion=target,
                value=carried[target.code],
                scored_by_id=score.scored_by_id,
                scored_at=score.scored_at,
            )
        )
    segment_ids = {copy.segment_id for copy in copies}
    with transaction.atomic():
        bulk_create_with_history(copies, SegmentScore, default_user=actor)
        # A segment's row_version covers its scores: a scoring form opened before is now stale.
        Segment.objects.filter(pk__in=segment_ids).update(row_version=F("row_version") + 1)
    return len(segment_ids)
