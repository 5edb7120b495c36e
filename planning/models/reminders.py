"""What reaches people outside the pages: a private calendar feed and in-app notifications."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from accounts.translatable import render


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


def hash_feed_token(token: str) -> str:
    """What is stored of a feed token: its SHA-256. A token is 256 random bits, so a plain hash
    is enough (no salt or slow hash needed); a database dump alone opens nobody's calendar."""
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeed(models.Model):
    """A user's private iCalendar URL. Only the token's hash is stored: the URL is shown once,
    when the token is issued. Issuing a new token makes the old URL answer 404."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("user"),
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.user)


# Notifications whose key starts with one of these are alerts raised by a background job (the
# churn-risk recalculation writes "risk:<account>:<day>"), not things falling due: the digest
# e-mails each of them once, whether or not anything else is due that day.
ALERT_KEY_PREFIXES = ("risk:",)


class Notification(models.Model):
    """One item of a user's digest, shown in the app until read. `key` makes the daily job
    idempotent: the same thing due on the same day is notified once. `emailed_at` records when a
    digest e-mail carried it, so an alert is e-mailed once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    key = models.CharField(_("key"), max_length=120)
    # What it says, in its recipient's language when it was written; shown only when there is
    # no message (notifications from before messages existed).
    text = models.CharField(_("text"), max_length=300)
    message = models.JSONField(
        _("message"), default=dict, blank=True, help_text=_("What it says, as codes and values.")
    )
    url = models.CharField(_("link"), max_length=300, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_key")
        ]
        indexes = [
            models.Index(
                fields=["user", "-created_at"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            )
        ]

    def __str__(self):
        return self.shown_text

    @property
    def shown_text(self) -> str:
        """What it says, in the active language."""
        if not self.message:
            return self.text
        shown = render(self.message) or self.text  # a kind no app renders any more
        return Truncator(shown).chars(self._meta.get_field("text").max_length)

    @property
    def is_alert(self) -> bool:
        return self.key.startswith(ALERT_KEY_PREFIXES)
