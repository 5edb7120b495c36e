"""The private survey link (issue 6 items 2 and 5): sending it, answering it without signing in,
and every way a link stops working."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail, signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from scoring.models import Survey, SurveyChannel, SurveyIndicator, SurveyStatus
from scoring.surveys import services, tokens
from tests.factories import StakeholderFactory


@pytest.fixture
def indicators(db):
    return {i.code: i for i in SurveyIndicator.objects.filter(is_active=True)}


@pytest.fixture
def respondent(account):
    return StakeholderFactory(account=account, name="Liu Yang", email="liu.yang@example.cn")


@pytest.fixture
def queued(monkeypatch):
    calls = []
    monkeypatch.setattr(
        "scoring.tasks.recalculate_account_health.delay",
        lambda account_id: calls.append(account_id),
    )
    return calls


@pytest.fixture
def sent(account, respondent, owner, settings):
    settings.SITE_URL = "https://kam.example.cn"
    survey, url = services.survey_send(
        account=account, respondent=respondent, language="zh-hans", days=14, sent_by=owner
    )
    return survey, url


def _path(url):
    return url.removeprefix("https://kam.example.cn")


def _answers(indicators, answers):
    data = {"comments": "好"}
    for code, (importance, performance) in answers.items():
        data[f"imp_{indicators[code].pk}"] = str(importance)
        data[f"per_{indicators[code].pk}"] = str(performance)
    return data


GOOD = {"quality": (5, 4), "delivery": (3, 2), "courtesy": (1, 5)}


def test_sending_creates_a_pending_link_survey_and_mails_it(
    account, respondent, owner, client_for, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://kam.example.cn"
    client = client_for(owner)
    url = reverse("scoring:survey_send", args=[account.pk])
    form = client.get(url).context["form"]
    assert form["language"].value() == "zh-hans"  # Chinese unless chosen otherwise
    assert form["expires_in"].value() == 14
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"respondent": respondent.pk, "language": "zh-hans", "expires_in": "14"}
        )
    survey = Survey.objects.get()
    assert response.status_code == 302 and response["Location"] == survey.get_absolute_url()
    assert survey.status == SurveyStatus.SENT
    assert survey.channel == SurveyChannel.LINK
    assert survey.language == "zh-hans"
    assert survey.satisfaction_index is None
    expected = timezone.now() + dt.timedelta(days=14)
    assert abs((survey.link_expires_at - expected).total_seconds()) < 60
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["liu.yang@example.cn"]
    assert "Liu Yang" in message.body
    # In a request the link is the address the manager reached KAM at, not SITE_URL (issue 17).
    link = next(line for line in message.body.splitlines() if line.startswith("http://"))
    assert link.startswith("http://testserver/s/")
    # The mail is written in the survey's language, not the manager's (the translations come
    # later; the date's format already shows which language rendered it).
    assert f"{timezone.localtime(survey.link_expires_at).year}年" in message.body
    detail = client.get(survey.get_absolute_url()).content.decode()
    assert 'data-testid="survey-link-url"' in detail and 'value="http://testserver/s/' in detail
    assert 'data-testid="survey-withdraw"' in detail


def test_a_stakeholder_without_email_gets_no_mail(
    account, owner, client_for, django_capture_on_commit_callbacks
):
    nobody = StakeholderFactory(account=account, email="")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(owner).post(
            reverse("scoring:survey_send", args=[account.pk]),
            {"respondent": nobody.pk, "language": "en", "expires_in": "7"},
        )
    assert Survey.objects.get().status == SurveyStatus.SENT
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("field", "value"),
    [("expires_in", "10"), ("language", "fr"), ("respondent", "999999999"), ("respondent", "x")],
)
def test_bad_link_options_are_errors(account, respondent, owner, client_for, field, value):
    data = {"respondent": respondent.pk, "language": "en", "expires_in": "7", field: value}
    response = client_for(owner).post(reverse("scoring:survey_send", args=[account.pk]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Survey.objects.exists()


def test_the_link_answers_the_survey_without_signing_in(
    client, sent, indicators, queued, django_capture_on_commit_callbacks
):
    survey, url = sent
    page = client.get(_path(url))
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "same-origin"
    html = page.content.decode()
    assert '<meta name="robots" content="noindex' in html
    assert survey.account.name not in html  # nothing about the account's internals
    assert "kam-footer" not in html  # nor the CRM's own footer: the respondent is a customer
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_path(url), _answers(indicators, GOOD))
    assert response.status_code == 200
    assert 'data-testid="survey-thanks"' in response.content.decode()
    assert response["Referrer-Policy"] == "same-origin"
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.COMPLETED
    assert survey.satisfaction_index == Decimal("61.11")
    assert survey.answered_on == timezone.localdate()
    assert survey.completed_at is not None
    assert survey.comments == "好"
    assert survey.answers.count() == 3
    assert queued == [survey.account_id]


def test_the_answer_is_csrf_checked(sent, indicators, queued):
    # The page sets the CSRF cookie and token; a post from elsewhere without them is refused.
    survey, url = sent
    client = Client(enforce_csrf_checks=True)
    forged = client.post(_path(url), _answers(indicators, GOOD))
    assert forged.status_code == 403
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.SENT
    page = client.get(_path(url))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    response = client.post(_path(url), {**_answers(indicators, GOOD), "csrfmiddlewaretoken": token})
    assert response.status_code == 200
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.COMPLETED


def test_the_page_is_in_chinese_for_a_chinese_survey(client, sent):
    _survey, url = sent
    html = client.get(_path(url)).content.decode()
    assert "您支付的价格所获得的价值" in html  # value_for_price's Chinese question
    assert "The value you get for the price you pay" not in html
    assert '<html lang="zh-hans">' in html
    english = client.get(_path(url) + "?lang=en").content.decode()
    assert "The value you get for the price you pay" in english


def test_the_page_is_in_english_for_an_english_survey(client, account, respondent, owner):
    _survey, url = services.survey_send(
        account=account, respondent=respondent, language="en", days=7, sent_by=owner
    )
    html = client.get(url).content.decode()
    assert "The value you get for the price you pay" in html
    assert "Dear Liu Yang" in html


def test_a_second_submission_is_refused_and_changes_nothing(client, sent, indicators, queued):
    survey, url = sent
    client.post(_path(url), _answers(indicators, GOOD))
    survey.refresh_from_db()
    before = (survey.satisfaction_index, survey.comments, survey.answers.count())
    again = client.post(
        _path(url), _answers(indicators, {"quality": (1, 1), "range": (1, 1), "delivery": (1, 1)})
    )
    assert again.status_code == 410
    assert 'data-testid="survey-already-answered"' in again.content.decode()
    again = client.get(_path(url))
    assert again.status_code == 410
    assert '<html lang="zh-hans">' in again.content.decode()  # still in the survey's language
    survey.refresh_from_db()
    assert (survey.satisfaction_index, survey.comments, survey.answers.count()) == before


def test_the_service_locks_the_survey_and_refuses_a_second_answer(sent, indicators, queued):
    _survey, url = sent
    pk, nonce = tokens.read_token(_path(url).split("/")[-2])
    answers = {indicators[code]: pair for code, pair in GOOD.items()}
    with CaptureQueriesContext(connection) as queries:
        services.survey_answer(pk=pk, nonce=nonce, answers=answers)
    assert any("FOR UPDATE" in q["sql"] for q in queries.captured_queries)
    with pytest.raises(services.AlreadyAnswered):
        services.survey_answer(pk=pk, nonce=nonce, answers=answers)


def test_invalid_answers_are_shown_again_and_nothing_is_saved(client, sent, indicators):
    survey, url = sent
    data = _answers(indicators, {"quality": (5, 4), "delivery": (3, 2)})
    data[f"imp_{indicators['range'].pk}"] = "4"
    response = client.post(_path(url), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="row-error"' in html
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.SENT and survey.answers.count() == 0


def test_a_tampered_token_is_not_found(client, sent):
    survey, url = sent
    path = _path(url)
    token = path.split("/")[-2]
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    other = signing.dumps({"s": survey.pk, "n": "guessed"}, salt="kam.survey")
    wrong_salt = signing.dumps({"s": survey.pk, "n": survey.link_nonce})
    for bad in (tampered, other, wrong_salt, "nonsense", "a" * 500, "..:..", "%00"):
        response = client.get(reverse("scoring:survey_answer", kwargs={"token": bad}))
        assert response.status_code == 404, bad
        assert 'data-testid="survey-link-closed"' in response.content.decode()
        assert (
            client.post(reverse("scoring:survey_answer", kwargs={"token": bad})).status_code == 404
        )


def test_an_unknown_survey_is_not_found(client, sent):
    _survey, _url = sent
    token = signing.dumps({"s": 2**62, "n": "x"}, salt="kam.survey")
    assert client.get(reverse("scoring:survey_answer", kwargs={"token": token})).status_code == 404
    malformed = signing.dumps(["not", "a", "dict"], salt="kam.survey")
    assert (
        client.get(reverse("scoring:survey_answer", kwargs={"token": malformed})).status_code == 404
    )


def test_an_expired_link_is_not_found(client, sent, indicators):
    survey, url = sent
    Survey.objects.filter(pk=survey.pk).update(
        link_expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert client.get(_path(url)).status_code == 404
    assert client.post(_path(url), _answers(indicators, GOOD)).status_code == 404
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.SENT


def test_a_withdrawn_link_is_not_found(client, sent, owner, client_for, indicators):
    survey, url = sent
    response = client_for(owner).post(
        reverse("scoring:survey_withdraw", args=[survey.account_id, survey.pk]),
        {"row_version": survey.row_version},
    )
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.WITHDRAWN
    assert client.get(_path(url)).status_code == 404
    assert client.post(_path(url), _answers(indicators, GOOD)).status_code == 404
    detail = client_for(owner).get(survey.get_absolute_url()).content.decode()
    assert 'data-testid="link-closed"' in detail and "survey-link-url" not in detail


def test_withdrawing_a_completed_survey_is_refused(
    account, owner, client_for, sent, indicators, client
):
    survey, url = sent
    client.post(_path(url), _answers(indicators, GOOD))
    survey.refresh_from_db()  # a page loaded after the answer: refused by the rule, not the version
    response = client_for(owner).post(
        reverse("scoring:survey_withdraw", args=[account.pk, survey.pk]),
        {"row_version": survey.row_version},
        follow=True,
    )
    assert "Only a survey waiting for its answer can be withdrawn." in response.content.decode()
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.COMPLETED


def test_withdraw_is_post_only(account, owner, client_for, sent):
    survey, _url = sent
    response = client_for(owner).get(
        reverse("scoring:survey_withdraw", args=[account.pk, survey.pk])
    )
    assert response.status_code == 405


def test_deleting_a_survey_asks_first_then_recalculates(
    account, owner, client_for, sent, queued, django_capture_on_commit_callbacks
):
    survey, url = sent
    client = client_for(owner)
    delete_url = reverse("scoring:survey_delete", args=[account.pk, survey.pk])
    confirm = client.get(delete_url)
    assert confirm.status_code == 200 and 'data-testid="delete-confirm"' in confirm.content.decode()
    assert Survey.objects.filter(pk=survey.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(delete_url, {"row_version": survey.row_version})
    assert response.status_code == 302
    assert response["Location"] == reverse("scoring:health", args=[account.pk])
    assert not Survey.objects.filter(pk=survey.pk).exists()
    assert queued == [account.pk]
    assert client_for(owner).get(_path(url)).status_code == 404


def test_the_link_uses_the_request_host_without_site_url(
    account, respondent, owner, client_for, settings
):
    settings.SITE_URL = ""
    client_for(owner).post(
        reverse("scoring:survey_send", args=[account.pk]),
        {"respondent": respondent.pk, "language": "en", "expires_in": "30"},
    )
    survey = Survey.objects.get()
    detail = client_for(owner).get(survey.get_absolute_url()).content.decode()
    assert 'value="http://testserver/s/' in detail


def test_the_link_to_copy_is_where_the_site_is_served_not_site_url(
    account, respondent, owner, client_for, settings
):
    """`make run PORT=8001` with SITE_URL saying :8000: the copied link must still open."""
    settings.SITE_URL = "http://127.0.0.1:8000"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "kam.internal"]
    client = client_for(owner)
    client.post(
        reverse("scoring:survey_send", args=[account.pk]),
        {"respondent": respondent.pk, "language": "en", "expires_in": "30"},
        HTTP_HOST="kam.internal:8001",
    )
    survey = Survey.objects.get()
    detail = client.get(survey.get_absolute_url(), HTTP_HOST="kam.internal:8001").content.decode()
    link = re.search(r'value="([^"]+)" data-testid="survey-link-url"', detail).group(1)
    assert link.startswith("http://kam.internal:8001/s/")
    assert "127.0.0.1:8000" not in detail
    assert Client().get(link, HTTP_HOST="kam.internal:8001").status_code == 200


def test_without_a_request_the_link_is_built_from_site_url(sent):
    _survey, url = sent
    assert url.startswith("https://kam.example.cn/s/")


def test_a_survey_waiting_for_its_answer_does_not_say_it_was_answered(sent, client_for, owner):
    survey, _url = sent
    detail = client_for(owner).get(survey.get_absolute_url()).content.decode()
    assert 'data-state="sent">Waiting for the answer<' in detail
    assert "Sent as a private link" in detail
    assert "Answered through a private link" not in detail


def test_a_survey_whose_link_expired_says_so_not_waiting(sent, client_for, owner, account):
    survey, _url = sent
    Survey.objects.filter(pk=survey.pk).update(
        link_expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    client = client_for(owner)
    for page in (survey.get_absolute_url(), reverse("scoring:health", args=[account.pk])):
        html = client.get(page).content.decode()
        assert 'data-state="expired">Link expired<' in html
        assert "Waiting for the answer" not in html


def test_an_answered_link_survey_says_answered_through_the_link(sent):
    survey, _url = sent
    survey.status = SurveyStatus.COMPLETED
    assert survey.channel_label == "Answered through a private link"
    assert survey.state_label == "Completed"


def test_a_second_open_link_to_the_same_person_is_refused(
    sent, account, respondent, owner, client_for
):
    survey, _url = sent
    response = client_for(owner).post(
        reverse("scoring:survey_send", args=[account.pk]),
        {"respondent": respondent.pk, "language": "en", "expires_in": "30"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["respondent"]
    assert "Liu Yang already has an open link" in errors[0]
    assert Survey.objects.count() == 1

    services.survey_withdraw(survey=survey, actor=owner, expected_version=survey.row_version)
    again, _url = services.survey_send(
        account=account, respondent=respondent, language="en", days=7, sent_by=owner
    )
    assert again.link_is_open


def test_an_expired_link_does_not_block_a_new_one(sent, account, respondent, owner):
    survey, _url = sent
    Survey.objects.filter(pk=survey.pk).update(
        link_expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    again, _url = services.survey_send(
        account=account, respondent=respondent, language="en", days=7, sent_by=owner
    )
    assert again.pk != survey.pk
