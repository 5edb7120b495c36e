"""Every form: invalid input gives an error next to the field and changes nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account, AccountTeamMember, Complaint, Transaction
from tests.access_checks import assert_field_error
from tests.factories import ComplaintFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def snapshot():
    return (
        list(Account.objects.order_by("pk").values()),
        list(AccountTeamMember.objects.order_by("pk").values()),
        list(Complaint.objects.order_by("pk").values()),
        list(Transaction.objects.order_by("pk").values()),
    )


def post_and_expect_field_error(client, url, data, field, snippet=None):
    return assert_field_error(client, url, data, field, unchanged=snapshot, snippet=snippet)


VALID_ACCOUNT = {
    "name": "Huawei Cloud",
    "industry": "telecom",
    "region": "south",
    "category": "normal",
}


@pytest.mark.parametrize(
    ("changes", "field", "snippet"),
    [
        ({"name": ""}, "name", "required"),
        ({"industry": "astrology"}, "industry", "valid choice"),
        ({"category": "vip"}, "category", "valid choice"),
        ({"employees": "-5"}, "employees", None),
        ({"annual_revenue": "-1"}, "annual_revenue", None),
        ({"annual_revenue": "lots"}, "annual_revenue", "number"),
        ({"website": "not a url"}, "website", "valid URL"),
        ({"tier": "999"}, "tier", "valid choice"),
    ],
)
def test_account_form_rejects_bad_input(client_for, owner, changes, field, snippet):
    post_and_expect_field_error(
        client_for(owner), reverse("accounts:create"), VALID_ACCOUNT | changes, field, snippet
    )


def test_a_key_account_without_an_owner_is_refused_on_the_owner_field(client_for, admin_user):
    post_and_expect_field_error(
        client_for(admin_user),
        reverse("accounts:create"),
        VALID_ACCOUNT | {"category": "key", "owner": ""},
        "owner",
        "key account must have an account manager",
    )


def test_a_duplicate_external_id_is_refused(client_for, owner, account):
    account.external_id = "C000001"
    account.save()
    post_and_expect_field_error(
        client_for(owner),
        reverse("accounts:create"),
        VALID_ACCOUNT | {"external_id": "C000001"},
        "external_id",
    )


def test_editing_an_account_with_an_empty_name_changes_nothing(client_for, owner, account):
    post_and_expect_field_error(
        client_for(owner),
        reverse("accounts:edit", args=[account.pk]),
        {
            "name": "",
            "industry": account.industry,
            "region": account.region,
            "category": "normal",
            "row_version": account.row_version,
        },
        "name",
    )


VALID_TRANSACTION = {
    "date": (TODAY - timedelta(days=5)).isoformat(),
    "amount": "1000",
    "gross_margin": "200",
    "returned_amount": "0",
}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": "-10"}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"gross_margin": "5000"}, "gross_margin"),
        ({"returned_amount": "2000"}, "returned_amount"),
        ({"returned_amount": "-1"}, "returned_amount"),
        ({"date": (TODAY + timedelta(days=3)).isoformat()}, "date"),
        ({"date": "2026-02-30"}, "date"),
        ({"paid_on": (TODAY - timedelta(days=30)).isoformat()}, "paid_on"),
        ({"invoice_due": (TODAY - timedelta(days=30)).isoformat()}, "invoice_due"),
        ({"amount": "1" * 20}, "amount"),
    ],
)
def test_transaction_form_rejects_bad_input(client_for, owner, account, changes, field):
    post_and_expect_field_error(
        client_for(owner),
        reverse("accounts:transaction_create", args=[account.pk]),
        VALID_TRANSACTION | changes,
        field,
    )


def valid_complaint(owner):
    return {
        "title": "Shipment two weeks late",
        "category": "delivery",
        "severity": "high",
        "opened_on": (TODAY - timedelta(days=2)).isoformat(),
        "due_on": (TODAY + timedelta(days=5)).isoformat(),
        "owner": owner.pk,
    }


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"category": "aliens"}, "category"),
        ({"severity": "apocalyptic"}, "severity"),
        ({"opened_on": (TODAY + timedelta(days=1)).isoformat()}, "opened_on"),
        ({"due_on": (TODAY - timedelta(days=20)).isoformat()}, "due_on"),
        ({"owner": 999999}, "owner"),
    ],
)
def test_complaint_form_rejects_bad_input(client_for, owner, account, changes, field):
    post_and_expect_field_error(
        client_for(owner),
        reverse("accounts:complaint_create", args=[account.pk]),
        valid_complaint(owner) | changes,
        field,
    )


def test_a_complaint_cannot_be_assigned_outside_the_account_team(
    client_for, owner, outsider, account
):
    post_and_expect_field_error(
        client_for(owner),
        reverse("accounts:complaint_create", args=[account.pk]),
        valid_complaint(owner) | {"owner": outsider.pk},
        "owner",
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"resolution": "   ", "resolved_on": TODAY.isoformat()}, "resolution"),
        ({"resolution": "Replaced the batch", "resolved_on": "2000-01-01"}, "resolved_on"),
        (
            {"resolution": "Replaced", "resolved_on": (TODAY + timedelta(days=2)).isoformat()},
            "resolved_on",
        ),
        (
            {"resolution": "Replaced", "resolved_on": TODAY.isoformat(), "conflict_mode": "war"},
            "conflict_mode",
        ),
    ],
)
def test_resolving_needs_a_resolution_and_a_sensible_date(client_for, owner, account, data, field):
    complaint = ComplaintFactory(account=account, owner=owner)
    post_and_expect_field_error(
        client_for(owner),
        reverse("accounts:complaint_resolve", args=[account.pk, complaint.pk]),
        data,
        field,
    )


def test_adding_someone_already_on_the_team_is_refused(client_for, owner, teammate, account):
    client = client_for(owner)
    before = snapshot()
    response = client.post(
        reverse("accounts:team", args=[account.pk]),
        {"action": "add", "user": teammate.pk, "role": "member"},
    )
    assert response.status_code == 200
    assert "user" in response.context["member_form"].errors
    assert snapshot() == before


def test_removing_the_owner_of_a_key_account_is_refused(client_for, director, account):
    account.category = "key"
    account.save()
    before = snapshot()
    response = client_for(director).post(
        reverse("accounts:team", args=[account.pk]), {"action": "owner", "owner": ""}
    )
    assert response.status_code == 200
    assert "owner" in response.context["owner_form"].errors
    assert snapshot() == before


@pytest.mark.parametrize(
    "query",
    [
        "page=99999",
        "page=-1",
        "page=abc",
        "page=1e9",
        "category=nonsense",
        "tier=abc",
        "tier=99999",
        "owner=-5",
        "owner=%00",
        "industry=%F0%9F%92%A9",
        "sort=password",
        "q=" + "x" * 5000,
        "q=%27%3B%20DROP%20TABLE%20accounts_account%3B--",
    ],
)
def test_absurd_list_parameters_give_a_normal_page(client_for, owner, account, query):
    response = client_for(owner).get(reverse("accounts:list") + "?" + query)
    assert response.status_code == 200


def test_absurd_page_numbers_on_account_tabs_give_a_normal_page(client_for, owner, account):
    client = client_for(owner)
    for name in ("accounts:transactions", "accounts:complaints"):
        response = client.get(reverse(name, args=[account.pk]) + "?page=999999")
        assert response.status_code == 200
