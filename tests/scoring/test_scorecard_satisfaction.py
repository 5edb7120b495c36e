"""The Value tab's satisfaction actual (issue 6 item 7): computed from the account's surveys once
the health recalculation has an index for it; the hand-entered figure only without surveys."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from scoring.models import AccountHealth
from tests.factories import ScorecardFactory

pytestmark = pytest.mark.django_db


def satisfaction_row(client, account):
    response = client.get(reverse("scoring:scorecard", args=[account.pk]))
    assert response.status_code == 200
    rows = {row.key: row for family in response.context["page"].families for row in family.rows}
    return rows["satisfaction"], response.content.decode()


def health(account, index, counted):
    return AccountHealth.objects.create(
        account=account,
        risk_score=10,
        risk_level="low",
        satisfaction_index=index,
        surveys_counted=counted,
        as_of=timezone.localdate(),
        calculated_at=timezone.now(),
    )


def test_surveys_replace_the_hand_entered_figure(client_for, owner, account):
    ScorecardFactory(
        account=account, satisfaction_target=Decimal("80"), satisfaction_actual=Decimal("90")
    )
    health(account, Decimal("61.11"), 2)
    row, html = satisfaction_row(client_for(owner), account)
    assert row.actual == Decimal("61.11")
    assert not row.typed
    assert row.achievement == Decimal("76.4")  # 61.11 / 80
    assert row.status == "behind"
    assert "computed from the average of 2 recent surveys" in html


def test_one_survey_is_said_in_the_singular(client_for, owner, account):
    health(account, Decimal("75.00"), 1)
    _row, html = satisfaction_row(client_for(owner), account)
    assert "computed from 1 recent survey" in html


def test_without_surveys_the_hand_entered_figure_stands_in(client_for, owner, account):
    ScorecardFactory(
        account=account, satisfaction_target=Decimal("80"), satisfaction_actual=Decimal("90")
    )
    health(account, None, 0)  # recalculated, but nobody surveyed
    row, html = satisfaction_row(client_for(owner), account)
    assert row.actual == Decimal("90")
    assert row.typed
    assert row.status == "met"
    assert "no recent survey: the figure entered by hand" in html


def test_without_health_or_figure_there_is_no_actual(client_for, owner, account):
    ScorecardFactory(account=account, satisfaction_target=Decimal("80"))
    row, _html = satisfaction_row(client_for(owner), account)
    assert row.actual is None and row.status == "no_actual"


def test_the_form_says_the_figure_is_only_a_fallback(client_for, owner, account):
    html = client_for(owner).get(reverse("scoring:scorecard_edit", args=[account.pk])).content
    assert b"Only for an account without recent surveys" in html
