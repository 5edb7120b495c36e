"""The relationship tab: setting the stage with a reason, the timeline, the checklist's
suggestion, how the two sides see each other and the decision-making unit."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.forms import AccountForm
from accounts.models import Account, StageAssessment, StageChange
from accounts.relationship import services
from tests.factories import AccountFactory, StageChangeFactory

pytestmark = pytest.mark.django_db


def tab_url(account):
    return reverse("accounts:relationship", args=[account.pk])


def loaded_now(account) -> dict:
    """What a form loaded now carries: the account's version."""
    return {"row_version": Account.objects.get(pk=account.pk).row_version}


def checklist_loaded_now(account) -> dict:
    """What the checklist loaded now carries: the latest assessment's id (0 for none)."""
    latest = StageAssessment.objects.filter(account=account).order_by("-assessed_at", "-pk")
    return {"row_version": latest.values_list("pk", flat=True).first() or 0}


def change_stage(client, account, follow=False, **data):
    return client.post(
        reverse("accounts:stage_change", args=[account.pk]),
        loaded_now(account) | data,
        follow=follow,
    )


def test_changing_the_stage_keeps_who_when_and_why(client_for, owner, account):
    response = change_stage(
        client_for(owner),
        account,
        to_stage="early",
        target_stage="mid",
        rationale="First order signed.",
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.relationship_stage, account.target_stage) == ("early", "mid")
    change = StageChange.objects.get(account=account)
    assert (change.from_stage, change.to_stage, change.target_stage) == ("pre_kam", "early", "mid")
    assert change.changed_by == owner
    assert change.rationale == "First order signed."
    assert not change.is_regression
    assert account.history.first().history_user == owner


def test_the_timeline_shows_every_change_newest_first(client_for, owner, account):
    client = client_for(owner)
    change_stage(client, account, to_stage="early", rationale="First order.")
    change_stage(client, account, to_stage="mid", rationale="Met their plant managers.")
    page = client.get(tab_url(account)).content.decode()
    assert page.index("Met their plant managers.") < page.index("First order.")
    assert page.count('data-testid="timeline-entry"') == 2


def test_setting_the_same_stage_and_target_again_is_a_no_op(client_for, owner, account):
    client = client_for(owner)
    change_stage(client, account, to_stage="early", target_stage="mid", rationale="Orders.")
    response = change_stage(
        client, account, to_stage="early", target_stage="mid", rationale="Again.", follow=True
    )
    assert StageChange.objects.filter(account=account).count() == 1
    assert "already set that way" in response.content.decode()


def test_moving_down_the_ladder_is_flagged_as_a_regression(client_for, owner, account):
    client = client_for(owner)
    change_stage(client, account, to_stage="mid", rationale="Several contacts.")
    response = client.post(
        reverse("accounts:stage_change", args=[account.pk]),
        {"to_stage": "early", "rationale": "Our sponsor left.", **loaded_now(account)},
        follow=True,
    )
    latest = StageChange.objects.filter(account=account).first()
    assert latest.is_regression
    page = response.content.decode()
    assert "regression" in page
    assert 'data-testid="header-regression"' in page
    assert 'data-regression="true"' in page


def test_a_step_up_after_a_regression_clears_the_header_marker(client_for, owner, account):
    client = client_for(owner)
    change_stage(client, account, to_stage="mid", rationale="Up.")
    change_stage(client, account, to_stage="uncoupling", rationale="Business moving away.")
    assert 'data-testid="header-regression"' in client.get(tab_url(account)).content.decode()
    change_stage(client, account, to_stage="early", rationale="Rebuilt from scratch.")
    assert 'data-testid="header-regression"' not in client.get(tab_url(account)).content.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"to_stage": "mid", "rationale": "   "}, "rationale"),
        ({"to_stage": "mid"}, "rationale"),
        ({"to_stage": "legendary", "rationale": "Why not."}, "to_stage"),
        ({"to_stage": "mid", "target_stage": "uncoupling", "rationale": "x"}, "target_stage"),
        ({"to_stage": "mid", "target_stage": "nonsense", "rationale": "x"}, "target_stage"),
    ],
)
def test_bad_stage_input_is_a_field_error_and_saves_nothing(
    client_for, owner, account, data, field
):
    response = change_stage(client_for(owner), account, **data)
    assert response.status_code == 200
    assert field in response.context["stage_form"].errors
    assert f'id="error_1_id_{field}"' in response.content.decode()
    account.refresh_from_db()
    assert account.relationship_stage == "pre_kam"
    assert not StageChange.objects.exists()


def test_the_service_validates_on_its_own(owner, account):
    with pytest.raises(ValidationError) as caught:
        services.stage_change(
            actor=owner,
            account=account,
            expected_version=account.row_version,
            to_stage="x",
            rationale="",
        )
    assert set(caught.value.message_dict) == {"to_stage", "rationale"}
    assert not StageChange.objects.exists()


def test_getting_the_stage_change_url_goes_back_to_the_tab(client_for, owner, account):
    response = client_for(owner).get(reverse("accounts:stage_change", args=[account.pk]))
    assert response.status_code == 302
    assert response.url == tab_url(account)


def test_the_checklist_stores_the_suggestion_and_the_pages_show_a_mismatch(
    client_for, owner, account
):
    client = client_for(owner)
    change_stage(client, account, to_stage="partnership", rationale="Long-term contract.")
    response = client.post(
        reverse("accounts:stage_assessment", args=[account.pk]),
        {
            "signs": ["first_orders", "multilevel_contacts", "preferred_supplier"],
            **checklist_loaded_now(account),
        },
    )
    assert response.status_code == 302
    assessment = StageAssessment.objects.get(account=account)
    assert assessment.suggested_stage == "mid"
    assert assessment.assessed_by == owner
    notice = "The checklist suggests Mid KAM; the stage is set to Partnership KAM."
    assert notice in client.get(tab_url(account)).content.decode()
    assert notice in client.get(reverse("accounts:detail", args=[account.pk])).content.decode()
    # The checklist opens with the last assessment's signs ticked.
    checklist = client.get(reverse("accounts:stage_assessment", args=[account.pk]))
    assert 'value="multilevel_contacts" id="sign-multilevel_contacts" checked' in (
        checklist.content.decode()
    )


def test_no_mismatch_notice_when_the_suggestion_agrees(client_for, owner, account):
    client = client_for(owner)
    client.post(
        reverse("accounts:stage_assessment", args=[account.pk]),
        {"signs": ["single_contact"], **checklist_loaded_now(account)},
    )
    assert StageAssessment.objects.get().suggested_stage == "pre_kam"
    assert 'data-testid="stage-mismatch"' not in client.get(tab_url(account)).content.decode()


def test_an_unknown_sign_is_a_field_error_and_saves_nothing(client_for, owner, account):
    response = client_for(owner).post(
        reverse("accounts:stage_assessment", args=[account.pk]),
        {"signs": ["first_orders", "made_up_sign"], **checklist_loaded_now(account)},
    )
    assert response.status_code == 200
    assert "signs" in response.context["form"].errors
    assert 'data-testid="signs-errors"' in response.content.decode()
    assert not StageAssessment.objects.exists()


def test_the_profile_places_the_account_on_both_2x2s(client_for, owner, account):
    client = client_for(owner)
    response = client.post(
        reverse("accounts:relationship_profile", args=[account.pk]),
        {
            "seller_intent": "high",
            "buyer_intent": "low",
            "offering_importance": "high",
            "relative_spend": "high",
            "decision_style": "advisory",
            **loaded_now(account),
        },
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.seller_intent, account.buyer_intent, account.decision_style) == (
        "high",
        "low",
        "advisory",
    )
    for url in (tab_url(account), reverse("accounts:detail", args=[account.pk])):
        page = client.get(url).content.decode()
        assert 'data-testid="chart-intent" data-quadrant="seller_frustration"' in page
        assert 'data-testid="chart-positioning" data-quadrant="strategic_partner"' in page
        assert 'data-testid="chart-marker"' in page
        assert "the coach inside matters most" in page


def test_unassessed_charts_say_so_with_a_link_to_the_form(client_for, owner, account):
    page = client_for(owner).get(reverse("accounts:detail", args=[account.pk])).content.decode()
    assert 'data-testid="chart-intent" data-quadrant=""' in page
    assert "not assessed yet" in page
    assert reverse("accounts:relationship_profile", args=[account.pk]) in page


@pytest.mark.parametrize(
    "data", [{"seller_intent": "very"}, {"decision_style": "democratic"}, {"relative_spend": "7"}]
)
def test_bad_profile_input_is_a_field_error_and_saves_nothing(client_for, owner, account, data):
    response = client_for(owner).post(
        reverse("accounts:relationship_profile", args=[account.pk]), data | loaded_now(account)
    )
    assert response.status_code == 200
    assert set(data) <= set(response.context["form"].errors)
    account.refresh_from_db()
    assert (account.seller_intent, account.decision_style, account.relative_spend) == ("", "", "")


def test_the_account_form_does_not_offer_the_stage_fields(account):
    form = AccountForm(instance=account, can_choose_owner=True)
    assert not {"relationship_stage", "target_stage"} & set(form.fields)


def test_the_account_edit_form_cannot_set_the_stage(client_for, owner, account):
    client_for(owner).post(
        reverse("accounts:edit", args=[account.pk]),
        {
            "name": account.name,
            "industry": account.industry,
            "region": account.region,
            "category": account.category,
            "relationship_stage": "synergistic",
            "row_version": account.row_version,
        },
    )
    account.refresh_from_db()
    assert account.relationship_stage == "pre_kam"


def test_the_header_shows_the_stage_and_target_on_every_tab(client_for, owner, account):
    client = client_for(owner)
    change_stage(client, account, to_stage="early", target_stage="partnership", rationale="Go.")
    for name in ("accounts:detail", "accounts:team", "accounts:relationship"):
        page = client.get(reverse(name, args=[account.pk])).content.decode()
        assert '<span data-testid="header-stage-current">Early KAM</span>' in page
        assert '<span data-testid="header-stage-target">Partnership KAM</span>' in page


def test_garbage_query_strings_give_a_normal_page(client_for, owner, account):
    client = client_for(owner)
    for name in ("accounts:relationship", "accounts:stage_assessment"):
        url = reverse(name, args=[account.pk]) + "?signs=%00&page=-1&x=<script>"
        assert client.get(url).status_code == 200


# --- Query counts ------------------------------------------------------------------------------


def fill(account, rows):
    now = timezone.now()
    for i in range(rows):
        StageChangeFactory(
            account=account,
            changed_at=now - timedelta(days=rows - i),
            is_regression=i % 3 == 0,
        )
        StageAssessment.objects.create(
            account=account,
            signs=["first_orders"],
            suggested_stage="pre_kam",
            assessed_by=account.owner,
            assessed_at=now - timedelta(days=rows - i),
        )
    Account.objects.filter(pk=account.pk).update(
        relationship_stage="mid",
        target_stage="partnership",
        seller_intent="high",
        buyer_intent="high",
        decision_style="consultative",
    )


def count_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", ["accounts:relationship", "accounts:stage_assessment"])
def test_relationship_pages_do_not_grow_with_changes_and_assessments(client_for, owner, name):
    few, many = AccountFactory(owner=owner), AccountFactory(owner=owner)
    fill(few, 10)
    fill(many, 100)
    client = client_for(owner)
    small = count_queries(client, reverse(name, args=[few.pk]))
    large = count_queries(client, reverse(name, args=[many.pk]))
    assert small == large, f"{small} queries with 10 changes, {large} with 100"
    assert large <= 12
