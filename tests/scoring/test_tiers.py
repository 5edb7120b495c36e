"""Tier rules (issue 5, item 6): the engine assigns tiers from each account's value over the last
12 months, by thresholds or percentiles; applying writes only the changes, each with a history
row on the account; bad rules are refused next to their fields."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.history import account_history
from accounts.models import Account
from scoring.models import TierMethod, TierPolicy, TierRule
from scoring.tiers import queries
from scoring.tiers.services import tier_rules_apply
from tests.access_checks import assert_field_error
from tests.factories import AccountFactory, TransactionFactory, shipped_tier_rules, tier

pytestmark = pytest.mark.django_db

REVENUES = {
    "Alpha": Decimal("60000000"),
    "Beta": Decimal("6000000"),
    "Gamma": Decimal("1000000"),
    "Delta": Decimal("100000"),
    "Epsilon": Decimal(0),
}


@pytest.fixture
def portfolio():
    """Five accounts with known revenue over the last 12 months (Epsilon none); all start iron."""
    shipped_tier_rules()
    accounts = {}
    for name, revenue in REVENUES.items():
        account = AccountFactory(name=name, tier=tier("iron"))
        if revenue:
            TransactionFactory(account=account, amount=revenue, gross_margin=revenue / 10)
        accounts[name] = account
    # Revenue older than 12 months does not count.
    TransactionFactory(
        account=accounts["Delta"],
        amount=Decimal("90000000"),
        date=timezone.localdate() - timedelta(days=400),
    )
    return accounts


def tiers_by_name():
    return dict(Account.objects.values_list("name", "tier__code"))


def set_percentiles(platinum, gold, iron):
    TierPolicy.objects.filter(pk=1).update(method=TierMethod.PERCENTILE)
    for code, percent in (("platinum", platinum), ("gold", gold), ("iron", iron)):
        TierRule.objects.filter(tier__code=code).update(top_percent=percent)


def test_thresholds_assign_tiers_by_revenue(portfolio, admin_user):
    result = tier_rules_apply(actor=admin_user)
    assert tiers_by_name() == {
        "Alpha": "platinum",
        "Beta": "gold",
        "Gamma": "iron",
        "Delta": "lead",
        "Epsilon": "lead",
    }
    assert result["accounts"] == 5 and result["changed"] == 4
    assert result["up"] == 2 and result["down"] == 2
    assert result["per_tier"] == {"platinum": 1, "gold": 1, "iron": 1, "lead": 2}
    assert TierPolicy.objects.get(pk=1).last_applied_at is not None


def test_percentiles_rank_the_portfolio_and_a_zero_account_takes_the_last_tier(portfolio):
    set_percentiles(20, 40, 100)
    tier_rules_apply()
    assert tiers_by_name() == {
        "Alpha": "platinum",  # 1 of 5: top 20 %
        "Beta": "gold",  # top 40 %
        "Gamma": "iron",
        "Delta": "iron",
        "Epsilon": "lead",  # within the top 100 %, but worth nothing
    }


def test_the_margin_basis_measures_gross_margin(portfolio):
    TierPolicy.objects.filter(pk=1).update(basis="margin")
    tier_rules_apply()
    # Margins are a tenth of revenue: Alpha 6M (gold), Beta 600k (iron), the rest lead.
    assert tiers_by_name() == {
        "Alpha": "gold",
        "Beta": "iron",
        "Gamma": "lead",
        "Delta": "lead",
        "Epsilon": "lead",
    }


def test_a_tier_change_is_in_the_account_history_and_an_unchanged_tier_is_not(
    portfolio, admin_user
):
    gamma = portfolio["Gamma"]  # stays iron
    alpha = portfolio["Alpha"]
    before = {name: a.history.count() for name, a in portfolio.items()}
    tier_rules_apply(actor=admin_user)
    assert gamma.history.count() == before["Gamma"]
    assert alpha.history.count() == before["Alpha"] + 1
    record = alpha.history.first()
    assert record.history_user == admin_user
    assert record.history_change_reason == "Tier rules applied"
    entry = account_history(alpha)[0]
    assert [(c.label, c.old, c.new) for c in entry.changes] == [("Tier", "Iron", "Platinum")]
    assert entry.who == admin_user


def test_applying_twice_changes_nothing_the_second_time(portfolio):
    tier_rules_apply()
    history = sum(a.history.count() for a in portfolio.values())
    result = tier_rules_apply()
    assert result["changed"] == 0
    assert sum(a.history.count() for a in portfolio.values()) == history


def test_the_preview_counts_moves_without_saving(portfolio, client_for, admin_user):
    response = client_for(admin_user).get(reverse("scoring:tier_preview"))
    assignment = response.context["assignment"]
    assert assignment.changed == 4 and assignment.up == 2 and assignment.down == 2
    moves = {m.name: (m.old_tier.code, m.new_tier.code) for m in assignment.moves}
    assert moves == {
        "Alpha": ("iron", "platinum"),
        "Beta": ("iron", "gold"),
        "Delta": ("iron", "lead"),
        "Epsilon": ("iron", "lead"),
    }
    assert [m.name for m in assignment.moves][:2] == ["Alpha", "Beta"]  # largest first
    rows = {row["tier"].code: (row["now"], row["after"]) for row in assignment.rows()}
    assert rows == {"platinum": (0, 1), "gold": (0, 1), "iron": (5, 1), "lead": (0, 2)}
    assert set(tiers_by_name().values()) == {"iron"}


def test_the_rules_page_counts_the_accounts_a_manager_can_see(portfolio, client_for, account):
    shipped_tier_rules()
    account.tier = tier("gold")
    account.save()
    response = client_for(account.owner).get(reverse("scoring:tier_rules"))
    counts = {tier_.code: n for tier_, n in response.context["rows"]}
    assert counts == {"platinum": 0, "gold": 1, "iron": 0, "lead": 0}
    assert b"Edit rules" not in response.content


def test_an_admin_lowers_a_threshold_and_applies(portfolio, client_for, admin_user):
    client = client_for(admin_user)
    data = rules_form()
    data["min_value_gold"] = "900000"
    response = client.post(reverse("scoring:tier_rules_edit"), data)
    assert response.status_code == 302 and response["Location"] == reverse("scoring:tier_preview")
    assert TierRule.objects.get(tier__code="gold").min_value == Decimal("900000")
    assert TierRule.objects.get(tier__code="gold").history.first().history_user == admin_user
    client.post(reverse("scoring:tier_apply"), loaded_at())
    assert tiers_by_name()["Gamma"] == "gold"


def loaded_at() -> dict:
    """The version a rules page loaded now carries (0 while no policy is stored)."""
    return {"row_version": queries.policy_version(queries.tier_policy())}


def rules_form(**changes):
    data = {
        **loaded_at(),
        "basis": "revenue",
        "method": "threshold",
        "min_value_platinum": "50000000",
        "top_percent_platinum": "5",
        "min_value_gold": "5000000",
        "top_percent_gold": "20",
        "min_value_iron": "500000",
        "top_percent_iron": "60",
    }
    data.update(changes)
    return data


def rules_snapshot():
    return (
        list(TierRule.objects.values_list("tier__code", "min_value", "top_percent").order_by("pk")),
        list(TierPolicy.objects.values_list("basis", "method", "updated_at")),
    )


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"min_value_gold": "60000000"}, "min_value_gold"),  # above platinum's
        ({"min_value_gold": "50000000"}, "min_value_gold"),  # equal: gold would stay empty
        ({"top_percent_gold": "120"}, "top_percent_gold"),
        ({"top_percent_iron": "0"}, "top_percent_iron"),
        ({"top_percent_gold": "4"}, "top_percent_gold"),  # below platinum's 5
        ({"min_value_iron": ""}, "min_value_iron"),  # thresholds need one
        ({"method": "percentile", "top_percent_gold": ""}, "top_percent_gold"),
        ({"min_value_platinum": "-1"}, "min_value_platinum"),
        ({"min_value_iron": "lots"}, "min_value_iron"),
    ],
)
def test_bad_rules_are_refused_next_to_the_field(client_for, admin_user, changes, field):
    shipped_tier_rules()
    assert_field_error(
        client_for(admin_user),
        reverse("scoring:tier_rules_edit"),
        rules_form(**changes),
        field,
        unchanged=rules_snapshot,
    )


def test_the_service_refuses_a_rule_on_the_last_tier(admin_user):
    from scoring.tiers.services import RuleValues, tier_rules_save

    rules = {r.tier_id: RuleValues(r.min_value, r.top_percent) for r in shipped_tier_rules()}
    rules[tier("lead").pk] = RuleValues(Decimal(1), None)
    before = rules_snapshot()
    with pytest.raises(Exception) as error:
        tier_rules_save(
            actor=admin_user,
            basis="revenue",
            method="threshold",
            rules=rules,
            expected_version=TierPolicy.objects.get(pk=1).row_version,
        )
    assert "min_value_lead" in error.value.message_dict
    assert rules_snapshot() == before


def test_the_preview_without_moves_disables_apply(portfolio, client_for, admin_user):
    tier_rules_apply()
    response = client_for(admin_user).get(reverse("scoring:tier_preview"))
    assert response.context["assignment"].changed == 0
    assert b"already has the tier the rules give" in response.content


def test_the_rules_page_flags_rules_not_applied_yet(portfolio, client_for, admin_user):
    client = client_for(admin_user)
    client.post(reverse("scoring:tier_rules_edit"), rules_form(min_value_gold="900000"))
    assert b'data-testid="tier-not-applied"' in client.get(reverse("scoring:tier_rules")).content
    client.post(reverse("scoring:tier_apply"), loaded_at())
    assert (
        b'data-testid="tier-not-applied"' not in client.get(reverse("scoring:tier_rules")).content
    )


def test_accounts_values_come_from_one_query(portfolio, django_assert_num_queries):
    with django_assert_num_queries(1):
        values = queries.account_values("revenue")
    assert [(v.name, v.position) for v in values][:2] == [("Alpha", 1), ("Beta", 2)]


def test_an_account_without_a_tier_is_placed_not_moved_up(portfolio):
    newcomer = AccountFactory(name="Newcomer", tier=None)
    TransactionFactory(account=newcomer, amount=Decimal("7000000"), gross_margin=Decimal(1))
    result = tier_rules_apply()
    assert result["placed"] == 1 and result["up"] == 2 and result["down"] == 2
    assert tiers_by_name()["Newcomer"] == "gold"


def test_the_form_shows_plain_numbers(client_for, admin_user):
    shipped_tier_rules()
    form = client_for(admin_user).get(reverse("scoring:tier_rules_edit")).context["form"]
    assert str(form.initial["min_value_gold"]) == "5000000"
    assert str(form.initial["top_percent_gold"]) == "20"
