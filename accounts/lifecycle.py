"""Hooks into an account's life that other apps fill in, so accounts never imports them, and the
one rule of when losing an account asks for a loss record.

planning registers the view that records why an account was lost (its AppConfig.ready()); the
account edit form and the relationship stage change ask loss_record_url() whether their change
calls for it, and the restore of an old version refuses what becomes_lost() says only the record
may do.
"""

from django.urls import NoReverseMatch, reverse

from accounts.models import Category, RelationshipStage

_loss_recorder: str | None = None


def register_loss_recorder(url_name: str) -> None:
    """Register the route (taking the account's pk) that records a loss."""
    global _loss_recorder
    _loss_recorder = url_name


def loss_recorder_url(account) -> str | None:
    """The URL asking for this account's loss record, or None when no app records losses."""
    if _loss_recorder is None:
        return None
    try:
        return reverse(_loss_recorder, args=[account.pk])
    except NoReverseMatch:
        return None


def becomes_lost(category_from: str, category_to: str | None) -> bool:
    """Whether a change of category from `category_from` to `category_to` (None: unchanged) makes
    the account lost. Only recording why it was lost may do that."""
    return category_to == Category.LOST and category_from != Category.LOST


def needs_loss_record(*, category_from: str, category_to=None, stage_change=None) -> bool:
    """Whether a change to an account calls for a record of why it was lost: its category set to
    lost (which waits for the record), or its relationship moved into uncoupling (`stage_change`,
    a StageChange or None) while it is not lost yet (the record is suggested, and skippable).
    `category_from` is the category before the change."""
    if becomes_lost(category_from, category_to):
        return True
    return (
        stage_change is not None
        and stage_change.to_stage == RelationshipStage.UNCOUPLING
        and stage_change.from_stage != RelationshipStage.UNCOUPLING
        and category_from != Category.LOST
    )


def loss_record_url(account, *, category_from: str, category_to=None, stage_change=None):
    """Where to send the person whose change to `account` calls for a loss record
    (needs_loss_record), or None: no record is needed, or no app records losses."""
    if not needs_loss_record(
        category_from=category_from, category_to=category_to, stage_change=stage_change
    ):
        return None
    return loss_recorder_url(account)
