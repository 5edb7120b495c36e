"""The outgoing mail queue: every e-mail KAM writes to people goes through here.

- `queue_mail(...)` writes the mail as a row (`OutgoingMail`) inside the caller's transaction, so
  it exists exactly when what it reports was saved, and asks a worker to send it once that
  transaction commits. Nothing here talks to the mail server inside a request or a transaction.
- `send_pending_mail()` (the Celery task of the same name, after each commit and every minute)
  takes the due mail a few rows at a time, each batch claimed in a short transaction
  (SELECT … FOR UPDATE SKIP LOCKED, then a lease in `sending_until`), sends it with no
  transaction open, and records the outcome. Two workers never take the same row; a worker that
  died mid-send leaves rows that another takes once their lease runs out (so a mail may, rarely,
  go out twice: never zero times).
- A mail that could not be sent is tried again after 1, 2, 4, 8 … minutes, at most
  `LONGEST_DELAY` apart, `MAX_ATTEMPTS` times in all (about a day), and then marked failed. The
  last error is kept; admins see failed and retrying mail on the outgoing mail page (and a count
  on the health recalculations page), with "retry now".

Django's error reports to ADMINS (settings.LOGGING) do not go through the queue.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
import time

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.db.models import Case, Count, F, Q, When
from django.utils import timezone

from accounts import outbox
from accounts.models import MailStatus, OutgoingMail

logger = logging.getLogger(__name__)

FIRST_DELAY = datetime.timedelta(minutes=1)
LONGEST_DELAY = datetime.timedelta(hours=4)
# 1 + 2 + … + 128 minutes, then every 4 hours: the 14th attempt comes some 24 hours after the
# first, long enough to outlast a mail server's bad night.
MAX_ATTEMPTS = 14
# A claimed mail is left alone by other workers this long: far more than sending a batch takes
# (the SMTP timeout is 10 s a message), short enough that a dead worker's mail goes out soon.
LEASE = datetime.timedelta(minutes=5)
BATCH_SIZE = 20
# One run stops taking new batches after this (the task's soft limit is 5 minutes); the next
# run, a minute later, carries on.
RUN_SECONDS = 180
ERROR_LENGTH = 1000
PAGE_ROWS = 100


def queue_mail(
    *,
    key: str,
    kind: str,
    to: list[str],
    subject: str,
    text: str,
    html: str = "",
    send_soon: bool = True,
) -> OutgoingMail | None:
    """Queue a mail in the caller's transaction; a worker sends it after the commit. `key` names
    what the mail is about ("digest:<user>:<date>"): a mail already queued under it is not
    queued again, and None is returned. `send_soon=False`: the caller asks for the sending
    once, after queuing many (send_after_commit); the every-minute run sends them anyway."""
    mail, created = OutgoingMail.objects.get_or_create(
        key=key,
        defaults={"kind": kind, "to": list(to), "subject": subject, "text": text, "html": html},
    )
    if not created:
        return None
    if send_soon:
        send_after_commit()
    return mail


def send_after_commit() -> None:
    """Ask a worker to send the pending mail once the current transaction commits, through the
    outbox (a broker that cannot be reached never fails what was saved; the every-minute run
    sends the mail anyway)."""
    # By name: accounts.tasks imports this module.
    outbox.enqueue("accounts.tasks.send_pending_mail")


def retry_delay(attempts: int) -> datetime.timedelta:
    """How long to wait after the `attempts`-th failed attempt: 1, 2, 4, 8 … minutes, capped."""
    return min(FIRST_DELAY * 2 ** max(attempts - 1, 0), LONGEST_DELAY)


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:ERROR_LENGTH]


def _claim(now: datetime.datetime) -> list[OutgoingMail]:
    """Take up to BATCH_SIZE due mails for this worker: rows another worker is claiming are
    skipped, rows another worker holds (an unexpired lease) are not due."""
    with transaction.atomic():
        batch = list(
            OutgoingMail.objects.select_for_update(skip_locked=True)
            .filter(status=MailStatus.PENDING, next_attempt_at__lte=now)
            .filter(Q(sending_until__isnull=True) | Q(sending_until__lte=now))
            .order_by("next_attempt_at", "pk")[:BATCH_SIZE]
        )
        if batch:
            OutgoingMail.objects.filter(pk__in=[mail.pk for mail in batch]).update(
                attempts=F("attempts") + 1, sending_until=now + LEASE
            )
    for mail in batch:
        mail.attempts += 1
        mail.sending_until = now + LEASE
    return batch


def _mine(mail: OutgoingMail):
    """The row as this worker claimed it: a lease taken over by another worker is left alone."""
    return OutgoingMail.objects.filter(pk=mail.pk, sending_until=mail.sending_until)


def _record_sent(mail: OutgoingMail) -> None:
    _mine(mail).update(
        status=MailStatus.SENT, sent_at=timezone.now(), sending_until=None, last_error=""
    )


def _record_failure(mail: OutgoingMail, error: str, now: datetime.datetime) -> bool:
    """Schedule the next attempt, or give up after the last; True when given up."""
    gave_up = mail.attempts >= MAX_ATTEMPTS
    _mine(mail).update(
        status=MailStatus.FAILED if gave_up else MailStatus.PENDING,
        next_attempt_at=now if gave_up else now + retry_delay(mail.attempts),
        sending_until=None,
        last_error=error,
    )
    return gave_up


def _message(mail: OutgoingMail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(subject=mail.subject, body=mail.text, to=mail.to)
    if mail.html:
        message.attach_alternative(mail.html, "text/html")
    return message


def _attempt(mailer, mail: OutgoingMail) -> tuple[str, bool]:
    """Send one mail over the open connection: the error ("" when sent), and whether the
    connection is lost (the server went away) rather than this mail refused."""
    try:
        if mailer.send_messages([_message(mail)]):
            return "", False
        return "The mailer sent nothing.", False
    except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused) as refused:
        return _describe(refused), False  # the server refused this mail; the next may go
    except SoftTimeLimitExceeded:
        raise  # the run's time is up: the mails it holds go out after their lease
    except Exception as failure:
        return _describe(failure), True


def send_pending_mail(now: datetime.datetime | None = None) -> dict[str, int]:
    """Send the mail that is due, batch by batch, until none is left or RUN_SECONDS have passed.
    Returns how many were sent, will be retried and were given up now. `now` fixes the clock
    (tests); by default each batch reads it afresh."""
    totals = {"sent": 0, "retrying": 0, "failed": 0}
    deadline = time.monotonic() + RUN_SECONDS
    mailer = None
    unreachable = ""  # once the server cannot be reached, the rest of the run records that
    try:
        while time.monotonic() < deadline and (batch := _claim(now or timezone.now())):
            for mail in batch:
                if mailer is None:
                    mailer = mailers.default
                    try:
                        mailer.open()
                    except Exception as failure:
                        unreachable = _describe(failure)
                error = unreachable
                if not error:
                    error, lost = _attempt(mailer, mail)
                    unreachable = error if lost else ""
                if not error:
                    _record_sent(mail)
                    totals["sent"] += 1
                elif _record_failure(mail, error, now or timezone.now()):
                    totals["failed"] += 1
                else:
                    totals["retrying"] += 1
    finally:
        if mailer is not None:
            try:
                mailer.close()
            except Exception:  # closing a connection that broke: nothing left to do
                logger.debug("Closing the mail connection failed", exc_info=True)
    if totals["retrying"] or totals["failed"]:
        logger.warning(
            "Outgoing mail: %(sent)s sent, %(retrying)s to retry, %(failed)s given up", totals
        )
    return totals


@transaction.atomic
def retry_now(*, mail: OutgoingMail) -> bool:
    """An admin asks for another attempt now (a failed mail gets one more; a retrying one stops
    waiting). A mail being sent or sent already is left alone; False then."""
    changed = (
        OutgoingMail.objects.filter(pk=mail.pk, status__in=(MailStatus.PENDING, MailStatus.FAILED))
        .filter(Q(sending_until__isnull=True) | Q(sending_until__lte=timezone.now()))
        .update(status=MailStatus.PENDING, next_attempt_at=timezone.now())
    )
    if changed:
        send_after_commit()
    return bool(changed)


def delete_old_mail(*, now: datetime.datetime | None = None) -> int:
    """Sent mail, and mail given up on, KAM_MAIL_RETENTION_DAYS after it was queued: the rows
    hold what the mail said (customers' names, survey links). Mail still being tried is never
    deleted. Idempotent (a beat job runs it nightly); the number of mails deleted."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.KAM_MAIL_RETENTION_DAYS)
    deleted, _by_model = OutgoingMail.objects.filter(
        status__in=(MailStatus.SENT, MailStatus.FAILED), created_at__lt=cutoff
    ).delete()
    return deleted


# --- Read side: the admins' page and the count on the health runs page -----------------------


def troubled_mail():
    """Failed mail and mail waiting for another attempt: what admins should know about."""
    return OutgoingMail.objects.filter(
        Q(status=MailStatus.FAILED) | Q(status=MailStatus.PENDING, attempts__gt=0)
    )


def troubled_counts() -> dict[str, int]:
    return troubled_mail().aggregate(
        failed=Count("pk", filter=Q(status=MailStatus.FAILED)),
        retrying=Count("pk", filter=Q(status=MailStatus.PENDING)),
    )


def troubled_page() -> list[OutgoingMail]:
    """The newest PAGE_ROWS troubled mails, failed first, then by their next attempt."""
    failed_first = Case(When(status=MailStatus.FAILED, then=0), default=1)
    return list(
        troubled_mail()
        .defer("text", "html")
        .order_by(failed_first, "next_attempt_at", "pk")[:PAGE_ROWS]
    )
