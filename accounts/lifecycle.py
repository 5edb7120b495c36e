"""Hooks into an account's life that other apps fill in, so accounts never imports them.

planning registers the view that records why an account was lost (its AppConfig.ready()); the
account edit form and the relationship stage change ask for it through loss_recorder_url().
"""

from django.urls import NoReverseMatch, reverse

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
