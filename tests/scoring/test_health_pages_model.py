"""The churn-risk model page and its editor: what every role reads, what an admin may save (in
one go, with history, without recalculating), and bad input coming back next to its field with
nothing saved."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from scoring.health import risk_model, runs, services
from scoring.models import AccountHealth, RiskFactor, RiskPolicy
from scoring.models.health import RunTrigger
from tests.access_checks import assert_field_error
from tests.factories import shipped_risk_model

pytestmark = pytest.mark.django_db

EDIT = "scoring:health_model_edit"


def model_post(**changes):
    data = {"medium_from": 25, "high_from": 50, "satisfaction_window_days": 365}
    data["row_version"] = RiskPolicy.objects.get(pk=1).row_version  # a form loaded now
    for factor in RiskFactor.objects.all():
        data[f"weight_{factor.code}"] = factor.weight
        data[f"start_{factor.code}"] = factor.start
        data[f"full_{factor.code}"] = factor.full
        data[f"days_{factor.code}"] = factor.days or ""
    data.update(changes)
    return data


def snapshot():
    return (
        list(RiskFactor.objects.order_by("code").values_list("weight", "start", "full", "days")),
        list(
            RiskPolicy.objects.values_list(
                "medium_from", "high_from", "satisfaction_window_days", "updated_by"
            )
        ),
        RiskFactor.history.count(),
        RiskPolicy.history.count(),
    )


def test_the_model_page_lists_the_policy_and_every_factor(client_for, owner):
    shipped_risk_model()
    html = client_for(owner).get(reverse("scoring:health_model")).content.decode()
    assert re.search(r'data-testid="policy-medium">25<', html)
    assert re.search(r'data-testid="policy-high">50<', html)
    assert "365 days" in html
    weights = re.findall(r'data-testid="model-weight">(\d+)<', html)
    # The shipped weights, in the model's order; they add up to 100.
    assert weights == ["20", "12", "8", "15", "10", "10", "5", "8", "7", "5"]
    assert re.search(r'data-testid="model-weight-total">100<', html)
    row = re.search(r'data-testid="model-factor-revenue_trend".*?</tr>', html, re.S).group(0)
    assert "N, the length of each revenue period" in row and ">90<" in row
    assert "-10" in row and "-50" in row
    row = re.search(r'data-testid="model-factor-contact_recency".*?</tr>', html, re.S).group(0)
    assert "as a multiple of the tier" in row


def test_an_admin_saves_the_model_with_history_and_no_recalculation(
    client_for, admin_user, account
):
    shipped_risk_model()
    AccountHealth.objects.create(
        account=account, risk_score=19, risk_level="low", as_of="2026-01-01",
        calculated_at="2026-01-01T03:00Z",
    )  # fmt: skip
    client = client_for(admin_user)
    form = client.get(reverse(EDIT))
    assert form.context["form"]["start_satisfaction_level"].value() == Decimal(75)
    response = client.post(
        reverse(EDIT),
        model_post(
            weight_contact_recency=40,
            days_revenue_trend=60,
            full_satisfaction_level="35.5",
            medium_from=30,
            high_from=60,
        ),
    )
    assert response.status_code == 302 and response["Location"] == reverse("scoring:health_model")
    factors = {f.code: f for f in RiskFactor.objects.all()}
    assert factors["contact_recency"].weight == 40
    assert factors["revenue_trend"].days == 60
    assert factors["satisfaction_level"].full == Decimal("35.50")
    assert factors["complaints_past_due"].weight == 10  # untouched
    policy = RiskPolicy.objects.get()
    assert (policy.medium_from, policy.high_from, policy.updated_by) == (30, 60, admin_user)
    # One history row per changed factor, by the admin; none for the unchanged ones.
    changed = RiskFactor.history.filter(history_type="~")
    assert sorted(changed.values_list("code", flat=True)) == [
        "contact_recency",
        "revenue_trend",
        "satisfaction_level",
    ]
    assert {h.history_user for h in changed} == {admin_user}
    assert RiskPolicy.history.filter(history_type="~").get().history_user == admin_user
    # Scores move only when a recalculation runs.
    assert AccountHealth.objects.get().risk_score == 19
    page = client.get(response["Location"]).content.decode()
    assert "Churn-risk model saved." in page
    assert re.search(r'data-testid="policy-medium">30<', page)
    # Until a run over every account starts, the page offers one.
    assert 'data-testid="model-not-applied"' in page and 'data-testid="recalculate-now"' in page
    runs.health_recalculate_all(trigger=RunTrigger.ADMIN)
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="model-not-applied"' not in page
    assert 'data-testid="recalculate-now"' not in page


@pytest.mark.parametrize(
    ("changes", "field", "snippet"),
    [
        ({"weight_contact_recency": 101}, "weight_contact_recency", "100"),
        ({"weight_contact_recency": -1}, "weight_contact_recency", "0"),
        ({"weight_contact_recency": "lots"}, "weight_contact_recency", "whole number"),
        ({"full_contact_recency": 1}, "full_contact_recency", "must differ"),
        ({"start_revenue_trend": "1e400"}, "start_revenue_trend", None),
        ({"start_revenue_trend": "123456789"}, "start_revenue_trend", "digits"),
        ({"days_contact_recency": 30}, "days_contact_recency", "does not use days"),
        ({"days_revenue_trend": ""}, "days_revenue_trend", "needs its number of days"),
        ({"days_revenue_trend": 5000}, "days_revenue_trend", "1095"),
        ({"medium_from": 50, "high_from": 50}, "high_from", "above medium"),
        ({"medium_from": 70, "high_from": 50}, "high_from", "above medium"),
        ({"satisfaction_window_days": 7}, "satisfaction_window_days", "30"),
        ({"high_from": ""}, "high_from", "required"),
    ],
)
def test_bad_input_is_refused_next_to_its_field(client_for, admin_user, changes, field, snippet):
    shipped_risk_model()
    response = assert_field_error(
        client_for(admin_user),
        reverse(EDIT),
        model_post(weight_stage_regression=6, **changes),  # a valid change is not saved either
        field,
        unchanged=snapshot,
        snippet=snippet,
    )
    assert "Nothing was saved" in response.content.decode()


def test_every_error_of_one_post_is_shown_at_once(client_for, admin_user):
    shipped_risk_model()
    response = client_for(admin_user).post(
        reverse(EDIT),
        model_post(
            weight_contact_recency=101,
            full_complaints_past_due=0,
            days_single_threaded=10,
            medium_from=60,
        ),
    )
    assert set(response.context["form"].errors) == {
        "weight_contact_recency",
        "full_complaints_past_due",
        "days_single_threaded",
        "high_from",
    }
    html = response.content.decode()
    assert 'id="id_days_single_threaded_error"' in html  # shown although the factor uses no days
    assert 'aria-describedby="id_full_complaints_past_due_error"' in html


def test_the_service_refuses_what_the_engine_cannot_run(admin_user):
    """Callers other than the form (a shell, a later API) get the same rules."""
    shipped_risk_model()
    before = snapshot()
    factors = {
        f.code: risk_model.FactorValues(f.weight, f.start, f.full, f.days)
        for f in RiskFactor.objects.all()
    }
    factors["contact_recency"] = risk_model.FactorValues(20, Decimal(2), Decimal(2), None)
    factors["complaint_silence"] = risk_model.FactorValues(5, Decimal(1), Decimal(3), None)
    policy = {"medium_from": 25, "high_from": 50, "satisfaction_window_days": 365}
    with pytest.raises(ValidationError) as refused:
        services.risk_model_update(
            policy_data=policy,
            factor_rows=factors,
            actor=admin_user,
            expected_version=RiskPolicy.objects.get(pk=1).row_version,
        )
    assert set(refused.value.message_dict) == {"full_contact_recency", "days_complaint_silence"}
    assert snapshot() == before
