"""Surveys and churn-risk levels on the account's History tab: each survey recorded, sent,
answered, withdrawn or deleted, by whom; each day the risk level moved, by the system."""

import datetime

import pytest
from django.urls import reverse

from scoring.models import HealthSnapshot
from scoring.surveys import services
from tests.factories import StakeholderFactory, shipped_survey_indicators

pytestmark = pytest.mark.django_db


def _entries(client, account, kind):
    response = client.get(reverse("accounts:history", args=[account.pk]))
    assert response.status_code == 200
    return [e for e in response.context["entries"] if e.subject_kind == kind], response


def test_the_history_tab_lists_what_happened_to_each_survey(client_for, owner, account):
    indicators = shipped_survey_indicators()[:3]
    respondent = StakeholderFactory(account=account, name="Liu Yang")
    answers = {indicators[0]: (5, 4), indicators[1]: (3, 2), indicators[2]: (1, 5)}
    recorded = services.survey_record(
        account=account,
        respondent=respondent,
        answered_on=datetime.date(2026, 11, 2),
        answers=answers,
        recorded_by=owner,
    )
    sent, _link = services.survey_send(
        account=account, respondent=respondent, language="zh-hans", days=14, sent_by=owner
    )
    services.survey_withdraw(survey=sent, actor=owner, expected_version=sent.row_version)
    services.survey_delete(survey=recorded, actor=owner, expected_version=recorded.row_version)

    entries, response = _entries(client_for(owner), account, "Survey")

    assert [e.action for e in entries] == ["deleted", "link withdrawn", "link sent", "recorded"]
    assert {e.who for e in entries} == {owner}
    assert {e.subject for e in entries} == {"Liu Yang"}
    recorded_entry = entries[-1]
    assert [(c.label, c.new) for c in recorded_entry.changes] == [("Satisfaction index", "61.1")]
    assert "link withdrawn" in response.content.decode()


def test_the_history_tab_lists_each_move_of_the_risk_level(client_for, owner, account):
    for day, level, score in (
        (datetime.date(2026, 11, 1), "low", 12),
        (datetime.date(2026, 11, 2), "low", 20),
        (datetime.date(2026, 11, 3), "high", 55),
        (datetime.date(2026, 11, 4), "medium", 40),
    ):
        HealthSnapshot.objects.create(account=account, day=day, risk_score=score, risk_level=level)

    entries, _response = _entries(client_for(owner), account, "Churn risk")

    moves = [(e.when.date(), [(c.old, c.new) for c in e.changes], e.who) for e in entries]
    assert moves == [
        (datetime.date(2026, 11, 4), [("High", "Medium")], None),
        (datetime.date(2026, 11, 3), [("Low", "High")], None),
    ]


def test_an_outsider_cannot_read_the_health_history(client_for, outsider, account):
    HealthSnapshot.objects.create(
        account=account, day=datetime.date(2026, 11, 1), risk_score=55, risk_level="high"
    )
    response = client_for(outsider).get(reverse("accounts:history", args=[account.pk]))
    assert response.status_code == 404
