"""The survey pages make the same, bounded number of queries whatever the rows behind them."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from scoring.models import SurveyIndicator
from scoring.surveys import queries, services
from tests.factories import AccountFactory, StakeholderFactory, SurveyFactory, completed_survey

pytestmark = pytest.mark.django_db

# The account page frame (session, account, header figures, team, header panels) included:
# 7 for the detail and 8 for the record form today, with room for the header's health panel.
DETAIL_MAX = 11
THREE = {"quality": (5, 4), "delivery": (3, 2), "courtesy": (1, 5)}


def count(client, url, bound, django_assert_max_num_queries):
    client.get(url)  # warm the session
    with django_assert_max_num_queries(bound), CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_detail_does_not_grow_with_indicators(client_for, owner, django_assert_max_num_queries):
    codes = list(SurveyIndicator.objects.values_list("code", flat=True))
    assert len(codes) == 12
    few = completed_survey(AccountFactory(owner=owner), THREE)
    many = completed_survey(
        AccountFactory(owner=owner), {code: (1 + i % 5, 5 - i % 5) for i, code in enumerate(codes)}
    )
    client = client_for(owner)
    a = count(client, few.get_absolute_url(), DETAIL_MAX, django_assert_max_num_queries)
    b = count(client, many.get_absolute_url(), DETAIL_MAX, django_assert_max_num_queries)
    assert a == b
    html = client.get(many.get_absolute_url()).content.decode()
    assert html.count('data-testid="ip-dot"') == 12


@pytest.mark.parametrize("surveys", [2, 25])
def test_the_summary_takes_three_queries(account, surveys, django_assert_num_queries):
    for days in range(surveys):
        SurveyFactory(account=account, answered_on=timezone.localdate() - dt.timedelta(days=days))
    with django_assert_num_queries(3):
        summary = queries.survey_summary(account)
        # Rendering reads nothing more (respondents come with the surveys).
        from django.template.loader import render_to_string

        render_to_string(
            "scoring/surveys/_account_surveys.html",
            {"survey_summary": summary, "account": account, "can_edit": True},
        )


def test_the_record_form_does_not_grow_with_stakeholders(
    client_for, owner, django_assert_max_num_queries
):
    few, many = AccountFactory(owner=owner), AccountFactory(owner=owner)
    StakeholderFactory(account=few)
    for _ in range(30):
        StakeholderFactory(account=many)
    client = client_for(owner)
    a = count(
        client,
        reverse("scoring:survey_create", args=[few.pk]),
        DETAIL_MAX,
        django_assert_max_num_queries,
    )
    b = count(
        client,
        reverse("scoring:survey_create", args=[many.pk]),
        DETAIL_MAX,
        django_assert_max_num_queries,
    )
    assert a == b


def test_the_indicator_list_is_one_query_for_the_indicators(
    client_for, owner, django_assert_max_num_queries
):
    client = client_for(owner)
    url = reverse("scoring:survey_indicators")
    a = count(client, url, 4, django_assert_max_num_queries)
    for _i in range(5):
        completed_survey(AccountFactory(), THREE)
    b = count(client, url, 4, django_assert_max_num_queries)
    assert a == b


def test_the_public_page_is_a_few_queries(client, account, owner, django_assert_max_num_queries):
    _survey, url = services.survey_send(
        account=account,
        respondent=StakeholderFactory(account=account),
        language="en",
        days=7,
        sent_by=owner,
    )
    with django_assert_max_num_queries(2):
        assert client.get(url).status_code == 200
