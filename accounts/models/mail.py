"""The outgoing mail queue (accounts.mail): every e-mail KAM sends to people (the daily digest,
survey links) is a row here first, written in the same transaction as what it reports, and a
worker sends it afterwards, retrying with a growing delay while the mail server is unreachable.
Django's own error reports to ADMINS do not go through it."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MailStatus(models.TextChoices):
    # Waiting to be sent: for the first time, or again after a failed attempt (`attempts` > 0).
    PENDING = "pending", _("Waiting")
    SENT = "sent", _("Sent")
    # Given up after the last attempt: shown to admins, who may try again.
    FAILED = "failed", _("Failed")


class OutgoingMail(models.Model):
    # What the mail is about, unique, so queuing the same mail twice (a task run again) queues it
    # once: "digest:<user>:<date>", "survey:<survey>".
    key = models.CharField(_("key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=30)
    to = models.JSONField(_("recipients"), default=list)
    subject = models.CharField(_("subject"), max_length=300)
    text = models.TextField(_("text"))
    html = models.TextField(_("HTML"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MailStatus.choices, default=MailStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # When a worker may take it next: now for a new mail, later after a failed attempt.
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # Set while a worker sends it (the worker's claim): other workers leave it alone until then,
    # and take it again if that worker died.
    sending_until = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        # The worker's question (what is pending and due?) and the admins' page (what failed
        # or is being retried?).
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outgoingmail_due")]

    def __str__(self):
        return f"{self.subject} → {', '.join(self.to)}"

    @property
    def is_retrying(self) -> bool:
        return self.status == MailStatus.PENDING and self.attempts > 0
