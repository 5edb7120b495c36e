"""The pipeline's pages and services: create and edit, tick criteria, move (with and without a
reason), won, lost, reopen; bad input shows an error next to the field and saves nothing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from planning.models import DevelopmentStage as Stage
from planning.models import Opportunity, OpportunityStageChange
from planning.pipeline import services
from tests.access_checks import assert_field_error
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


def url(name, opportunity):
    return reverse(f"planning:{name}", args=[opportunity.account_id, opportunity.pk])


def snapshot():
    return (
        list(
            Opportunity.objects.values_list(
                "pk",
                "name",
                "stage",
                "value",
                "probability",
                "criteria_met",
                "lost_reason",
                "closed_on",
            ).order_by("pk")
        ),
        OpportunityStageChange.objects.count(),
    )


def snapshot_version(opportunity):
    """The version a page opened now would carry."""
    return Opportunity.objects.get(pk=opportunity.pk).row_version


def form_data(**overrides):
    data = {
        "name": "Lubricants 2027",
        "value": "1200000",
        "probability": "30",
        "expected_close": (timezone.localdate() + timedelta(days=60)).isoformat(),
    }
    data.update(overrides)
    return data


# --- Create and edit ------------------------------------------------------------------------


def test_a_manager_creates_an_opportunity_at_the_first_stage(client_for, owner, teammate, account):
    client = client_for(teammate)
    response = client.post(reverse("planning:opportunity_create", args=[account.pk]), form_data())
    opportunity = Opportunity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("opportunity_detail", opportunity)
    assert opportunity.account == account
    assert opportunity.owner == teammate
    assert opportunity.stage == Stage.TARGET
    assert opportunity.value == Decimal("1200000")
    assert opportunity.history.first().history_user == teammate


def test_a_manager_edits_an_opportunity(client_for, owner, account):
    opportunity = OpportunityFactory(account=account)
    response = client_for(owner).post(
        url("opportunity_edit", opportunity),
        form_data(name="Bigger deal", probability="55", row_version=opportunity.row_version),
    )
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert (opportunity.name, opportunity.probability) == ("Bigger deal", 55)


@pytest.mark.parametrize(
    ("field", "value"),
    [("probability", "150"), ("probability", "-1"), ("value", "-5"), ("name", "   ")],
)
def test_it_refuses_bad_figures_and_saves_nothing(client_for, owner, account, field, value):
    client = client_for(owner)
    create = reverse("planning:opportunity_create", args=[account.pk])
    assert_field_error(client, create, form_data(**{field: value}), field, unchanged=snapshot)
    opportunity = OpportunityFactory(account=account)
    assert_field_error(
        client,
        url("opportunity_edit", opportunity),
        form_data(**{field: value}, row_version=opportunity.row_version),
        field,
        unchanged=snapshot,
    )


def test_the_service_refuses_a_probability_of_150(owner, account):
    with pytest.raises(ValidationError) as raised:
        services.opportunity_create(
            actor=owner,
            account=account,
            name="x",
            value=Decimal(1),
            probability=150,
            expected_close=date(2030, 1, 1),
        )
    assert "probability" in raised.value.error_dict
    assert not Opportunity.objects.exists()


# --- Criteria -------------------------------------------------------------------------------


def test_ticking_criteria_saves_them_for_the_current_stage(client_for, owner, account):
    opportunity = OpportunityFactory(account=account)
    response = client_for(owner).post(
        url("opportunity_criteria", opportunity),
        {"criteria": ["budget_holder_known"], "row_version": opportunity.row_version},
    )
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.criteria_met == ["budget_holder_known"]


def test_it_refuses_criteria_of_another_stage(client_for, owner, account):
    opportunity = OpportunityFactory(account=account)
    assert_field_error(
        client_for(owner),
        url("opportunity_criteria", opportunity),
        {"criteria": ["terms_agreed"], "row_version": opportunity.row_version},
        "criteria",
        unchanged=snapshot,
    )


def test_a_closed_opportunity_has_no_criteria_to_tick(client_for, owner, account):
    opportunity = OpportunityFactory(account=account, stage=Stage.WON)
    with pytest.raises(ValidationError):
        services.opportunity_criteria_update(
            actor=owner, opportunity=opportunity, expected_version=1, criteria=[]
        )
    before = snapshot()
    response = client_for(owner).post(
        url("opportunity_criteria", opportunity),
        {"criteria": ["terms_agreed"], "row_version": snapshot_version(opportunity)},
        follow=True,
    )
    assert response.status_code == 200
    assert b"A closed opportunity has no exit criteria." in response.content
    assert snapshot() == before


# --- Moves ----------------------------------------------------------------------------------


def test_moving_on_with_every_criterion_ticked_needs_no_reason(client_for, owner, account):
    opportunity = OpportunityFactory(
        account=account, criteria_met=["need_confirmed", "budget_holder_known"]
    )
    response = client_for(owner).post(
        url("opportunity_move", opportunity),
        {"to_stage": "information", "row_version": opportunity.row_version},
    )
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.INFORMATION
    assert opportunity.criteria_met == []
    change = opportunity.stage_changes.get()
    assert (change.from_stage, change.to_stage, change.criteria_skipped, change.changed_by) == (
        "target",
        "information",
        [],
        owner,
    )


def test_moving_on_with_an_unticked_criterion_and_no_reason_changes_nothing(
    client_for, owner, account
):
    opportunity = OpportunityFactory(account=account, criteria_met=["need_confirmed"])
    response = assert_field_error(
        client_for(owner),
        url("opportunity_move", opportunity),
        {"to_stage": "information", "reason": " ", "row_version": opportunity.row_version},
        "reason",
        unchanged=snapshot,
        snippet="not ticked",
    )
    assert b'data-testid="move-form"' in response.content


def test_moving_on_with_an_unticked_criterion_and_a_reason_records_what_was_skipped(
    client_for, owner, account
):
    opportunity = OpportunityFactory(account=account, criteria_met=["need_confirmed"])
    client = client_for(owner)
    client.post(
        url("opportunity_move", opportunity),
        {
            "to_stage": "information",
            "reason": "Budget is the CEO's, we know him.",
            "row_version": opportunity.row_version,
        },
    )
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.INFORMATION
    change = opportunity.stage_changes.get()
    assert change.criteria_skipped == ["budget_holder_known"]
    assert change.reason == "Budget is the CEO's, we know him."
    page = client.get(url("opportunity_detail", opportunity)).content.decode()
    assert "Budget holder known" in page
    assert "Budget is the CEO&#x27;s, we know him." in page


def test_the_board_button_moves_and_returns_to_the_board(client_for, owner, account):
    opportunity = OpportunityFactory(
        account=account, criteria_met=["need_confirmed", "budget_holder_known"]
    )
    response = client_for(owner).post(
        url("opportunity_move", opportunity),
        {"to_stage": "information", "return_to": "board", "row_version": opportunity.row_version},
    )
    assert response["Location"] == reverse("planning:pipeline", args=[account.pk])


def test_winning_closes_it_at_100_percent(client_for, owner, account):
    opportunity = OpportunityFactory(
        account=account,
        stage=Stage.CLOSING,
        criteria_met=["executive_contact", "site_audit_passed", "terms_agreed"],
    )
    client_for(owner).post(
        url("opportunity_move", opportunity),
        {"to_stage": "won", "row_version": opportunity.row_version},
    )
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.WON
    assert opportunity.probability == 100
    assert opportunity.closed_on == timezone.localdate()


def test_losing_needs_a_reason_and_closes_it_at_0_percent(client_for, owner, account):
    opportunity = OpportunityFactory(account=account, stage=Stage.VALUE)
    client = client_for(owner)
    assert_field_error(
        client,
        url("opportunity_lost", opportunity),
        {"lost_reason": "  ", "row_version": opportunity.row_version},
        "lost_reason",
        unchanged=snapshot,
    )
    client.post(
        url("opportunity_lost", opportunity),
        {"lost_reason": "Competitor undercut us.", "row_version": opportunity.row_version},
    )
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.LOST
    assert opportunity.probability == 0
    assert opportunity.lost_reason == "Competitor undercut us."
    assert opportunity.closed_on == timezone.localdate()
    assert opportunity.stage_changes.get().reason == "Competitor undercut us."


def test_the_move_form_cannot_mark_it_lost(client_for, owner, account):
    opportunity = OpportunityFactory(account=account)
    assert_field_error(
        client_for(owner),
        url("opportunity_move", opportunity),
        {"to_stage": "lost", "reason": "because", "row_version": opportunity.row_version},
        "to_stage",
        unchanged=snapshot,
    )


def test_reopening_needs_a_reason_and_clears_the_close(client_for, owner, account):
    opportunity = OpportunityFactory(
        account=account, stage=Stage.LOST, lost_reason="Price", probability=0,
        closed_on=timezone.localdate(),
    )  # fmt: skip
    client = client_for(owner)
    assert_field_error(
        client,
        url("opportunity_move", opportunity),
        {"to_stage": "value", "row_version": opportunity.row_version},
        "reason",
        unchanged=snapshot,
    )
    assert_field_error(
        client,
        url("opportunity_move", opportunity),
        {"to_stage": "won", "reason": "They signed", "row_version": opportunity.row_version},
        "to_stage",
        unchanged=snapshot,
    )
    client.post(
        url("opportunity_move", opportunity),
        {"to_stage": "value", "reason": "New buyer", "row_version": opportunity.row_version},
    )
    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.closed_on, opportunity.lost_reason) == (
        Stage.VALUE,
        None,
        "",
    )


def test_moving_back_needs_no_reason(owner, account):
    opportunity = OpportunityFactory(account=account, stage=Stage.VALUE, criteria_met=[])
    change = services.opportunity_move(
        actor=owner,
        opportunity=opportunity,
        expected_version=opportunity.row_version,
        to_stage="target",
    )
    assert change.criteria_skipped == []
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.TARGET


# --- Pages ----------------------------------------------------------------------------------


def test_the_board_has_a_column_per_stage_with_totals(client_for, owner, account):
    OpportunityFactory(account=account, value=Decimal("1000"), probability=20)
    OpportunityFactory(account=account, value=Decimal("3000"), probability=50)
    OpportunityFactory(account=account, stage=Stage.WON, probability=100)
    response = client_for(owner).get(reverse("planning:pipeline", args=[account.pk]))
    html = response.content.decode()
    columns = response.context["columns"]
    assert [c.stage for c in columns] == [
        "target", "information", "value", "relationship", "closing", "won", "lost",
    ]  # fmt: skip
    target = columns[0]
    assert target.count == 2
    assert target.total_value == Decimal("4000")
    assert target.total_weighted == Decimal("1700")
    assert columns[5].count == 1
    assert html.count('data-testid="board-column"') == 7
    assert html.count('data-testid="opportunity-card"') == 3
    assert html.count('data-testid="card-next"') == 2


def test_the_list_sorts_by_any_column_and_ignores_garbage(client_for, owner, account):
    small = OpportunityFactory(account=account, name="Small", value=Decimal("10"))
    big = OpportunityFactory(account=account, name="Big", value=Decimal("99999"))
    client = client_for(owner)
    base = reverse("planning:opportunity_list", args=[account.pk])

    def order(query):
        response = client.get(base + query)
        assert response.status_code == 200
        return [row.opportunity.pk for row in response.context["rows"]]

    assert order("?sort=value") == [small.pk, big.pk]
    assert order("?sort=-value") == [big.pk, small.pk]
    assert order("?sort=name") == [big.pk, small.pk]
    for query in ("?sort=weighted", "?sort=-stage", "?sort=owner", "?sort=probability"):
        order(query)
    assert len(order("?sort=%27;drop")) == 2
    assert len(order("?sort=--")) == 2


def test_garbage_ids_answer_404(client_for, owner, account):
    client = client_for(owner)
    assert client.get(f"/accounts/{account.pk}/pipeline/999999/").status_code == 404
    assert client.post(f"/accounts/{account.pk}/pipeline/999999/move/").status_code == 404
    assert client.get(f"/accounts/{account.pk}/pipeline/abc/").status_code == 404


def test_an_opportunity_of_another_account_is_404(client_for, owner, account):
    other = OpportunityFactory()  # another account, another owner
    client = client_for(owner)
    for name in ("opportunity_detail", "opportunity_edit", "opportunity_move"):
        path = reverse(f"planning:{name}", args=[account.pk, other.pk])
        assert client.get(path).status_code == 404
        assert client.post(path, {"to_stage": "information", "reason": "x"}).status_code == 404


def test_a_director_sees_the_opportunity_without_forms(client_for, director, account):
    opportunity = OpportunityFactory(account=account, criteria_met=["need_confirmed"])
    client = client_for(director)
    html = client.get(url("opportunity_detail", opportunity)).content.decode()
    assert 'data-testid="criteria-list"' in html
    assert 'data-testid="move-form"' not in html
    assert 'data-testid="criteria-form"' not in html
    board = client.get(reverse("planning:pipeline", args=[account.pk])).content.decode()
    assert 'data-testid="card-next"' not in board
    assert "New opportunity" not in board


def test_the_probability_follows_the_stage_unless_set_by_hand(owner, account):
    usual = OpportunityFactory(account=account, stage=Stage.TARGET, probability=10)
    typed = OpportunityFactory(account=account, stage=Stage.TARGET, probability=35)
    for opportunity in (usual, typed):
        services.opportunity_move(
            actor=owner,
            opportunity=opportunity,
            expected_version=opportunity.row_version,
            to_stage="information",
            reason="Jumped ahead",
        )
        opportunity.refresh_from_db()
    assert (usual.probability, typed.probability) == (20, 35)
