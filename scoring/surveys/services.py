"""Writes of the surveys: record one, send, withdraw and delete a private link, answer through
it, and edit the indicators. Each is one transaction with its history; a changed survey sends
scoring.surveys.signals.survey_changed, on which health queues its account's recalculation for
once the transaction commits."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts import access
from accounts.conflicts import claim
from accounts.mail import queue_mail
from accounts.models import Stakeholder, StakeholderStatus
from scoring import engine
from scoring.models import (
    Survey,
    SurveyAnswer,
    SurveyChannel,
    SurveyIndicator,
    SurveyStatus,
)
from scoring.models.surveys import new_link_nonce
from scoring.surveys import tokens
from scoring.surveys.signals import survey_changed

MIN_ANSWERED = 3
LINK_DAYS = (7, 14, 30)


class SurveyClosed(Exception):
    """The link is withdrawn, expired or stale: to the respondent it does not exist."""


class AlreadyAnswered(Exception):
    """The survey was answered already (perhaps a moment ago, in another tab)."""

    def __init__(self, survey=None):
        super().__init__(survey)
        self.survey = survey  # so the "thank you" page speaks the respondent's language


def _check_respondent(account, respondent) -> None:
    if respondent is None or respondent.account_id != account.pk:
        raise ValidationError({"respondent": _("Choose a stakeholder of this account.")})
    if respondent.status != StakeholderStatus.ACTIVE:
        raise ValidationError({"respondent": _("This stakeholder has left the company.")})


def _refuse_a_second_open_link(respondent) -> None:
    """One open link per person: a second would leave two live links to the same questions, and
    the person would be asked twice. The open one's page shows its link to copy again, or it can
    be withdrawn first. The stakeholder's row is locked so two sends at once cannot both pass."""
    Stakeholder.objects.select_for_update().filter(pk=respondent.pk).first()
    open_link = (
        Survey.objects.filter(
            respondent_id=respondent.pk,
            status=SurveyStatus.SENT,
            link_expires_at__gt=timezone.now(),
        )
        .order_by("-created_at")
        .first()
    )
    if open_link is not None:
        raise ValidationError(
            {
                "respondent": _(
                    "%(name)s already has an open link, sent %(sent)s and working until "
                    "%(expires)s. Copy it again from that survey's page, or withdraw it there "
                    "before sending a new one."
                )
                % {
                    "name": respondent.name,
                    "sent": date_format(timezone.localtime(open_link.created_at), "DATE_FORMAT"),
                    "expires": date_format(
                        timezone.localtime(open_link.link_expires_at), "DATETIME_FORMAT"
                    ),
                }
            }
        )


def _checked_answers(answers) -> list[tuple[SurveyIndicator, int, int]]:
    checked = []
    for indicator, (importance, performance) in answers.items():
        if not indicator.is_active:
            raise ValidationError(
                _("%(indicator)s is no longer asked.") % {"indicator": indicator.label}
            )
        for value in (importance, performance):
            if not engine.SURVEY_MIN <= value <= engine.SURVEY_MAX:
                raise ValidationError(
                    _("Answers run from %(min)s to %(max)s.")
                    % {"min": engine.SURVEY_MIN, "max": engine.SURVEY_MAX}
                )
        checked.append((indicator, importance, performance))
    if len(checked) < MIN_ANSWERED:
        raise ValidationError(
            _("Answer at least %(count)s indicators (importance and performance).")
            % {"count": MIN_ANSWERED}
        )
    return checked


def _save_answers(survey, checked) -> None:
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(survey=survey, indicator=indicator, importance=imp, performance=perf)
        for indicator, imp, perf in checked
    )


@transaction.atomic
def survey_record(*, account, respondent, answered_on, answers, comments="", recorded_by) -> Survey:
    """A survey the team took (in a meeting, on the phone). `answers`: {indicator: (importance,
    performance)} of the indicators asked."""
    access.require_edit(recorded_by, account)
    _check_respondent(account, respondent)
    if answered_on > timezone.localdate():
        raise ValidationError({"answered_on": _("The answer date cannot be in the future.")})
    checked = _checked_answers(answers)
    survey = Survey(
        account=account,
        respondent=respondent,
        respondent_name=respondent.name,
        channel=SurveyChannel.RECORDED,
        status=SurveyStatus.COMPLETED,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        answered_on=answered_on,
        comments=comments,
        satisfaction_index=engine.satisfaction_index((i, p) for _i, i, p in checked),
        created_by=recorded_by,
        completed_at=timezone.now(),
    )
    survey._history_user = recorded_by
    survey.save()
    _save_answers(survey, checked)
    survey_changed.send(sender=Survey, account_id=account.pk)
    return survey


def link_path(survey) -> str:
    return reverse("scoring:survey_answer", kwargs={"token": tokens.make_token(survey)})


def link_url(survey, build_absolute_uri=None) -> str:
    """The absolute link. In a request, the address the manager's browser reached KAM at (the
    request's, checked against ALLOWED_HOSTS), so the link they copy works wherever KAM is served;
    SITE_URL only without a request (a background job), where there is nothing else."""
    path = link_path(survey)
    if build_absolute_uri is not None:
        return build_absolute_uri(path)
    return settings.SITE_URL + path if settings.SITE_URL else path


@transaction.atomic
def survey_send(*, account, respondent, language, days, sent_by, build_absolute_uri=None):
    """A survey waiting for the stakeholder to answer through a private link, e-mailed to them
    when they have an address. Returns (survey, link)."""
    access.require_edit(sent_by, account)
    _check_respondent(account, respondent)
    _refuse_a_second_open_link(respondent)
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose a language.")})
    if days not in LINK_DAYS:
        raise ValidationError({"expires_in": _("Choose how long the link works.")})
    survey = Survey(
        account=account,
        respondent=respondent,
        respondent_name=respondent.name,
        channel=SurveyChannel.LINK,
        status=SurveyStatus.SENT,
        language=language,
        created_by=sent_by,
        link_expires_at=timezone.now() + dt.timedelta(days=days),
    )
    survey._history_user = sent_by
    survey.save()
    url = link_url(survey, build_absolute_uri)
    if respondent.email:
        survey_link_mail_queue(survey, url)
    return survey, url


def survey_link_mail_queue(survey, url) -> None:
    """Queue the link's e-mail in the survey's language, in the survey's transaction: a worker
    sends it (accounts.mail), so the request never waits on the mail server, and a server that
    is down delays the mail, retried and shown to admins. The link is on the page to share by
    WeChat anyway."""
    respondent = survey.respondent
    with translation.override(survey.language):
        context = {"survey": survey, "url": url, "name": respondent.name}
        queue_mail(
            key=f"survey:{survey.pk}",
            kind="survey",
            to=[respondent.email],
            subject=_("A short satisfaction survey"),
            text=render_to_string("scoring/surveys/link_email.txt", context),
        )


@transaction.atomic
def survey_withdraw(*, survey, actor, expected_version: int) -> Survey:
    """Withdraw the link of a survey as the page showed it (not one answered or changed since)."""
    access.require_edit(actor, survey.account)
    claim(survey, expected_version=expected_version)
    if survey.status != SurveyStatus.SENT:
        raise ValidationError(_("Only a survey waiting for its answer can be withdrawn."))
    survey.status = SurveyStatus.WITHDRAWN
    survey.link_nonce = new_link_nonce()
    survey._history_user = actor
    survey.save(update_fields=["status", "link_nonce"])
    return survey


@transaction.atomic
def survey_delete(*, survey, actor, expected_version: int) -> None:
    """Delete a survey as the page showed it: one answered or changed since is refused."""
    access.require_edit(actor, survey.account)
    claim(survey, expected_version=expected_version)
    account_id = survey.account_id
    survey._history_user = actor
    survey.delete()
    survey_changed.send(sender=Survey, account_id=account_id)


def survey_open_for_link(pk: int, nonce: str) -> Survey:
    """The survey a link names. AlreadyAnswered for a completed one (whatever its nonce: the
    respondent deserves to hear it worked); SurveyClosed for anything else not open."""
    survey = Survey.objects.select_related("respondent").filter(pk=pk).first()
    return _check_link(survey, nonce)


def _check_link(survey, nonce) -> Survey:
    if survey is None:
        raise SurveyClosed
    if survey.status == SurveyStatus.COMPLETED and survey.channel == SurveyChannel.LINK:
        raise AlreadyAnswered(survey)
    if survey.link_nonce != nonce or not survey.link_is_open:
        raise SurveyClosed
    return survey


@transaction.atomic
def survey_answer(*, pk: int, nonce: str, answers, comments="") -> Survey:
    """The respondent's own answers. The row lock makes a second submission (another tab, a
    double click) wait for the first and then find the survey answered."""
    survey = _check_link(Survey.objects.select_for_update().filter(pk=pk).first(), nonce)
    checked = _checked_answers(answers)
    survey.status = SurveyStatus.COMPLETED
    survey.answered_on = timezone.localdate()
    survey.completed_at = timezone.now()
    survey.comments = comments
    survey.satisfaction_index = engine.satisfaction_index((i, p) for _i, i, p in checked)
    survey.link_nonce = new_link_nonce()
    survey._change_reason = "answered through the private link"
    survey.save()
    _save_answers(survey, checked)
    survey_changed.send(sender=Survey, account_id=survey.account_id)
    return survey


@transaction.atomic
def indicator_save(
    *, indicator: SurveyIndicator, actor, expected_version: int | None = None
) -> SurveyIndicator:
    """Create or update an indicator (validated by the form), an update from a form loaded at
    `expected_version` (required then). Its code is frozen once answered."""
    access.require_admin(actor)
    if indicator.pk:
        claim(indicator, expected_version=expected_version)
        stored = SurveyIndicator.objects.get(pk=indicator.pk)
        if stored.code != indicator.code and stored.answers.exists():
            raise ValidationError(
                {"code": _("This indicator has answers, so its code cannot change.")}
            )
    indicator._history_user = actor
    indicator.save()
    return indicator


@transaction.atomic
def indicator_delete(*, indicator: SurveyIndicator, actor, expected_version: int) -> None:
    """Only an indicator nobody has answered: answered ones are retired, so old surveys keep
    their answers (the foreign key protects them too). Deleted as the page showed it: one
    changed since is refused."""
    access.require_admin(actor)
    claim(indicator, expected_version=expected_version)
    if indicator.answers.exists():
        raise ValidationError(
            _("This indicator has answers, so it cannot be deleted. Retire it instead.")
        )
    indicator._history_user = actor
    indicator.delete()
