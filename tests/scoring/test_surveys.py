"""Recording a survey (issue 6 item 2): the service and the page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from scoring.models import Survey, SurveyAnswer, SurveyChannel, SurveyIndicator, SurveyStatus
from scoring.surveys import services
from tests.factories import (
    AccountFactory,
    StakeholderFactory,
    SurveyIndicatorFactory,
    completed_survey,
)


@pytest.fixture
def indicators(db):
    return {i.code: i for i in SurveyIndicator.objects.filter(is_active=True)}


@pytest.fixture
def respondent(account):
    return StakeholderFactory(account=account, name="Liu Yang", title="Chief buyer")


@pytest.fixture
def queued(monkeypatch):
    """The accounts whose health recalculation was queued (tasks are not run here)."""
    calls = []
    monkeypatch.setattr(
        "scoring.tasks.recalculate_account_health.delay",
        lambda account_id: calls.append(account_id),
    )
    return calls


def _record(account, respondent, indicators, answers, owner, **fields):
    return services.survey_record(
        account=account,
        respondent=respondent,
        answered_on=fields.pop("answered_on", dt.date(2026, 11, 2)),
        answers={indicators[code]: pair for code, pair in answers.items()},
        comments=fields.pop("comments", ""),
        recorded_by=owner,
    )


def test_the_index_is_importance_weighted_performance(
    account, respondent, indicators, owner, queued, django_capture_on_commit_callbacks
):
    # Performance on 0–4 after subtracting 1: (5·3 + 3·1 + 1·4) / (9 · 4) = 22 / 36 = 61.11 %.
    with django_capture_on_commit_callbacks(execute=True):
        survey = _record(
            account,
            respondent,
            indicators,
            {"quality": (5, 4), "delivery": (3, 2), "courtesy": (1, 5)},
            owner,
            comments="Deliveries are late.",
        )
    survey.refresh_from_db()
    assert survey.satisfaction_index == Decimal("61.11")
    assert survey.status == SurveyStatus.COMPLETED
    assert survey.channel == SurveyChannel.RECORDED
    assert survey.respondent_name == "Liu Yang"
    assert survey.created_by == owner
    assert survey.comments == "Deliveries are late."
    assert {(a.indicator.code, a.importance, a.performance) for a in survey.answers.all()} == {
        ("quality", 5, 4),
        ("delivery", 3, 2),
        ("courtesy", 1, 5),
    }
    assert survey.history.first().history_user == owner
    assert queued == [account.pk]


def test_the_recalculation_waits_for_the_commit(account, respondent, indicators, owner, queued):
    _record(
        account,
        respondent,
        indicators,
        {"quality": (5, 4), "delivery": (3, 2), "range": (2, 2)},
        owner,
    )
    assert queued == []  # the test's transaction never commits


def test_a_respondent_of_another_account_is_refused(account, indicators, owner, queued):
    stranger = StakeholderFactory()
    with pytest.raises(ValidationError) as error:
        _record(
            account,
            stranger,
            indicators,
            {"quality": (5, 4), "delivery": (3, 2), "range": (2, 2)},
            owner,
        )
    assert "respondent" in error.value.error_dict
    assert not Survey.objects.exists()


def test_a_stakeholder_who_left_cannot_answer(account, indicators, owner):
    gone = StakeholderFactory(account=account, status="left", left_on=dt.date(2026, 1, 1))
    with pytest.raises(ValidationError):
        _record(
            account,
            gone,
            indicators,
            {"quality": (5, 4), "delivery": (3, 2), "range": (2, 2)},
            owner,
        )


def test_fewer_than_three_answers_are_refused(account, respondent, indicators, owner):
    with pytest.raises(ValidationError):
        _record(account, respondent, indicators, {"quality": (5, 4), "delivery": (3, 2)}, owner)
    assert not Survey.objects.exists()


def test_a_future_date_is_refused_by_the_service(account, respondent, indicators, owner):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        _record(
            account,
            respondent,
            indicators,
            {"quality": (5, 4), "delivery": (3, 2), "range": (2, 2)},
            owner,
            answered_on=tomorrow,
        )
    assert "answered_on" in error.value.error_dict


def test_a_retired_indicator_cannot_be_answered(account, respondent, indicators, owner):
    retired = SurveyIndicatorFactory(is_active=False)
    with pytest.raises(ValidationError):
        services.survey_record(
            account=account,
            respondent=respondent,
            answered_on=dt.date(2026, 11, 2),
            answers={retired: (3, 3), indicators["quality"]: (3, 3), indicators["range"]: (3, 3)},
            comments="",
            recorded_by=owner,
        )


# --- The page ----------------------------------------------------------------------------------


def _post(indicators, answers, **fields):
    data = {"answered_on": "2026-11-02", "comments": ""}
    data.update(fields)
    for code, (importance, performance) in answers.items():
        pk = indicators[code].pk
        if importance is not None:
            data[f"imp_{pk}"] = str(importance)
        if performance is not None:
            data[f"per_{pk}"] = str(performance)
    return data


def test_a_manager_records_a_survey_and_lands_on_its_detail(
    account, respondent, indicators, owner, client_for, queued
):
    client = client_for(owner)
    url = reverse("scoring:survey_create", args=[account.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="answer-row"' in html and "Liu Yang" in html
    data = _post(
        indicators,
        {"quality": (5, 4), "delivery": (3, 2), "courtesy": (1, 5)},
        respondent=respondent.pk,
        comments="Fine overall",
    )
    response = client.post(url, data)
    survey = Survey.objects.get()
    assert response.status_code == 302
    assert response["Location"] == survey.get_absolute_url()
    detail = client.get(response["Location"]).content.decode()
    assert 'data-testid="survey-index">61.11<' in detail
    assert 'data-testid="ip-chart"' in detail
    assert detail.count('data-testid="ip-dot"') == 3
    assert "Fine overall" in detail


def test_a_blank_row_is_not_asked(account, respondent, indicators, owner, client_for, queued):
    data = _post(
        indicators,
        {"quality": (4, 4), "delivery": (4, 2), "courtesy": (2, 5)},
        respondent=respondent.pk,
    )
    client_for(owner).post(reverse("scoring:survey_create", args=[account.pk]), data)
    survey = Survey.objects.get()
    assert survey.answers.count() == 3
    assert not SurveyAnswer.objects.filter(indicator=indicators["range"]).exists()
    # (4·3 + 4·1 + 2·4) / (10 · 4) = 24 / 40
    assert survey.satisfaction_index == Decimal("60.00")


def test_half_a_row_is_an_error_on_that_row(account, respondent, indicators, owner, client_for):
    data = _post(
        indicators,
        {"quality": (5, 4), "delivery": (3, 2), "courtesy": (1, 5), "range": (4, None)},
        respondent=respondent.pk,
    )
    response = client_for(owner).post(reverse("scoring:survey_create", args=[account.pk]), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [f"per_{indicators['range'].pk}"]
    html = response.content.decode()
    row_start = html.index('data-indicator="range"')
    assert 'data-testid="row-error"' in html[row_start : html.index("</tr>", row_start)]
    # What was typed is kept.
    assert f'name="imp_{indicators["quality"].pk}" value="5" id' in html
    assert 'checked aria-label="Quality: importance 5"' in html
    assert not Survey.objects.exists()


def test_too_few_answers_is_an_error_and_nothing_is_saved(
    account, respondent, indicators, owner, client_for
):
    data = _post(indicators, {"quality": (5, 4), "delivery": (3, 2)}, respondent=respondent.pk)
    response = client_for(owner).post(reverse("scoring:survey_create", args=[account.pk]), data)
    assert response.status_code == 200
    assert "Answer at least 3 indicators" in response.content.decode()
    assert not Survey.objects.exists()


@pytest.mark.parametrize(
    ("answered_on", "snippet"),
    [
        ((timezone.localdate() + dt.timedelta(days=1)).isoformat(), "future"),
        ("1999-12-31", "before"),
        ("not a date", "valid date"),
    ],
)
def test_a_bad_answer_date_is_an_error_next_to_it(
    account, respondent, indicators, owner, client_for, answered_on, snippet
):
    data = _post(
        indicators,
        {"quality": (5, 4), "delivery": (3, 2), "courtesy": (1, 5)},
        respondent=respondent.pk,
        answered_on=answered_on,
    )
    response = client_for(owner).post(reverse("scoring:survey_create", args=[account.pk]), data)
    assert response.status_code == 200
    errors = response.context["form"].errors["answered_on"]
    assert any(snippet in e for e in errors), errors
    assert 'id="error_1_id_answered_on"' in response.content.decode()
    assert not Survey.objects.exists()


def test_garbage_answers_are_errors_not_crashes(account, respondent, indicators, owner, client_for):
    data = _post(indicators, {"quality": (5, 4), "delivery": (3, 2)}, respondent=respondent.pk)
    data[f"imp_{indicators['courtesy'].pk}"] = "9"
    data[f"per_{indicators['courtesy'].pk}"] = "x"
    response = client_for(owner).post(reverse("scoring:survey_create", args=[account.pk]), data)
    assert response.status_code == 200
    assert f"imp_{indicators['courtesy'].pk}" in response.context["form"].errors
    assert not Survey.objects.exists()


def test_only_active_stakeholders_of_the_account_are_offered(
    account, respondent, indicators, owner, client_for
):
    StakeholderFactory(
        account=account, name="Gone Person", status="left", left_on=dt.date(2026, 1, 1)
    )
    StakeholderFactory(name="Somebody Else")
    html = (
        client_for(owner).get(reverse("scoring:survey_create", args=[account.pk])).content.decode()
    )
    assert "Liu Yang" in html
    assert "Gone Person" not in html and "Somebody Else" not in html
    stranger = StakeholderFactory()
    data = _post(
        indicators,
        {"quality": (5, 4), "delivery": (3, 2), "courtesy": (1, 5)},
        respondent=stranger.pk,
    )
    response = client_for(owner).post(reverse("scoring:survey_create", args=[account.pk]), data)
    assert "respondent" in response.context["form"].errors
    assert not Survey.objects.exists()


def test_retired_indicators_are_not_asked(account, respondent, indicators, owner, client_for):
    SurveyIndicator.objects.filter(code="range").update(is_active=False)
    html = (
        client_for(owner).get(reverse("scoring:survey_create", args=[account.pk])).content.decode()
    )
    assert 'data-indicator="quality"' in html
    assert 'data-indicator="range"' not in html


# --- Detail ------------------------------------------------------------------------------------


def test_the_detail_shows_gaps_worst_first_and_quadrants(account, owner, client_for):
    survey = completed_survey(
        account,
        {"quality": (5, 2), "delivery": (4, 4), "courtesy": (2, 5), "range": (1, 1)},
        comments="Quality slipped",
    )
    html = client_for(owner).get(survey.get_absolute_url()).content.decode()
    order = [
        html.index(f'data-testid="answer" data-indicator="{code}"')
        for code in ("quality", "delivery", "range", "courtesy")
    ]
    assert order == sorted(order)  # gaps −3, 0, 0, +3 (equal gaps: more important first)
    assert 'data-indicator="quality" data-gap="-3" data-quadrant="concentrate"' in html
    assert 'data-indicator="courtesy" data-gap="3" data-quadrant="overkill"' in html
    assert 'data-indicator="delivery" data-gap="0" data-quadrant="keep_up"' in html
    assert 'data-indicator="range" data-gap="0" data-quadrant="low_priority"' in html
    assert 'text-danger" data-testid="answer-gap">-3<' in html
    grouped = client_for(owner).get(survey.get_absolute_url() + "?order=group").content.decode()
    assert (
        grouped.index('data-indicator="quality" data-gap')
        < grouped.index('data-indicator="range" data-gap')
        < grouped.index('data-indicator="delivery" data-gap')
    )


def test_a_survey_of_another_account_is_not_found_under_this_one(account, owner, client_for):
    other = completed_survey(
        AccountFactory(owner=owner),
        {"quality": (5, 2), "delivery": (4, 4), "courtesy": (2, 5)},
    )
    url = reverse("scoring:survey_detail", args=[account.pk, other.pk])
    assert client_for(owner).get(url).status_code == 404
    huge = reverse("scoring:survey_detail", args=[account.pk, 10**20])
    assert client_for(owner).get(huge).status_code == 404
