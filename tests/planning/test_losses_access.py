"""DESIGN.md §3 on every lost-account URL: outsiders get 404, directors read but never write, and
another account's loss record is a 404."""

import pytest
from django.urls import reverse

from planning.models.losses import LossRecord
from tests.access_checks import assert_hidden_from, assert_refused, url_names
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

NAMES = {"planning:loss_records", "planning:loss_record_create", "planning:loss_record_detail"}


@pytest.fixture
def record(account, owner):
    return LossRecord.objects.create(account=account, reason="price", recorded_by=owner)


def urls(record):
    a = record.account_id
    return {
        "planning:loss_records": reverse("planning:loss_records", args=[a]),
        "planning:loss_record_create": reverse("planning:loss_record_create", args=[a]),
        "planning:loss_record_detail": reverse("planning:loss_record_detail", args=[a, record.pk]),
    }


def state(account):
    def snapshot():
        account.refresh_from_db()
        return account.category, list(LossRecord.objects.values_list("pk", "reason", "notes"))

    return snapshot


def test_every_loss_route_is_covered():
    assert {n for n in url_names("planning") if n.startswith("planning:loss")} == NAMES


def test_an_outsider_gets_404_everywhere(client_for, outsider, record):
    assert_hidden_from(client_for(outsider), urls(record).values())


def test_a_director_reads_but_cannot_record_a_loss(client_for, director, record, account):
    client = client_for(director)
    u = urls(record)
    assert client.get(u["planning:loss_records"]).status_code == 200
    assert client.get(u["planning:loss_record_detail"]).status_code == 200
    assert client.get(u["planning:loss_record_create"]).status_code == 403
    assert_refused(
        client,
        {u["planning:loss_record_create"]: {"reason": "price", "notes": "x"}},
        unchanged=state(account),
    )


def test_a_record_of_another_account_is_a_404(client_for, owner, record):
    other = AccountFactory(owner=owner)
    client = client_for(owner)
    url = reverse("planning:loss_record_detail", args=[other.pk, record.pk])
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("planning:loss_record_detail", args=[other.pk, 999999])).status_code
        == 404
    )


def test_the_team_can_open_every_page(client_for, teammate, record):
    client = client_for(teammate)
    for url in urls(record).values():
        assert client.get(url).status_code == 200, url
