"""Bad input on visits: each invalid submission shows an error next to the field and saves
nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Coverage
from planning.models import Visit
from tests.access_checks import assert_field_error
from tests.factories import AccountFactory, StakeholderFactory, UserFactory, VisitFactory

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(Visit.objects.values().order_by("pk")),
        list(Visit.attendees.through.objects.values_list("visit_id", "stakeholder_id")),
        list(Visit.our_attendees.through.objects.values_list("visit_id", "user_id")),
        list(Coverage.objects.values_list("pk", "last_contact").order_by("pk")),
    )


def prepare_data(**overrides):
    data = {
        "starts_at": (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "kind": "visit",
        "objective": "Agree the pilot scope by 15 December.",
    }
    data.update(overrides)
    return data


def report_data(**overrides):
    data = {
        "outcome": "Went well.",
        "commitment": "direct",
        "next_step": "Send the offer",
        "next_step_on": (timezone.localdate() + timedelta(days=5)).isoformat(),
        "helped_them": "yes",
        "helped_us": "yes",
        "helped_relationship": "yes",
    }
    data.update(overrides)
    return data


@pytest.fixture
def past_visit(account, owner):
    visit = VisitFactory(account=account, starts_at=timezone.now() - timedelta(days=1))
    visit.attendees.set([StakeholderFactory(account=account)])
    visit.our_attendees.set([owner])
    return visit


def test_an_empty_objective_is_refused(client_for, owner, account):
    url = reverse("planning:visit_create", args=[account.pk])
    assert_field_error(
        client_for(owner), url, prepare_data(objective="   "), "objective", unchanged=snapshot
    )


def test_an_attendee_of_another_account_is_refused(client_for, owner, account):
    mine = StakeholderFactory(account=account)
    stranger = StakeholderFactory(account=AccountFactory(owner=owner))
    url = reverse("planning:visit_create", args=[account.pk])
    data = prepare_data(attendees=[mine.pk, stranger.pk])
    assert_field_error(client_for(owner), url, data, "attendees", unchanged=snapshot)


def test_one_of_our_people_off_the_team_is_refused(client_for, owner, account, outsider):
    url = reverse("planning:visit_create", args=[account.pk])
    data = prepare_data(our_attendees=[outsider.pk])
    assert_field_error(client_for(owner), url, data, "our_attendees", unchanged=snapshot)


@pytest.mark.parametrize("value", ["", "tomorrow", "2026-13-45T10:00"])
def test_a_missing_or_garbled_date_is_refused(client_for, owner, account, value):
    url = reverse("planning:visit_create", args=[account.pk])
    data = prepare_data(starts_at=value)
    assert_field_error(client_for(owner), url, data, "starts_at", unchanged=snapshot)


def test_a_next_step_date_in_the_past_is_refused(client_for, owner, account, past_visit):
    url = reverse("planning:visit_report", args=[account.pk, past_visit.pk])
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert_field_error(
        client_for(owner),
        url,
        report_data(next_step_on=yesterday),
        "next_step_on",
        unchanged=snapshot,
        snippet="past",
    )


def test_a_next_step_without_a_date_is_refused(client_for, owner, account, past_visit):
    url = reverse("planning:visit_report", args=[account.pk, past_visit.pk])
    data = report_data(next_step_on="")
    assert_field_error(client_for(owner), url, data, "next_step_on", unchanged=snapshot)


def test_a_next_step_date_without_a_step_is_refused(client_for, owner, account, past_visit):
    url = reverse("planning:visit_report", args=[account.pk, past_visit.pk])
    data = report_data(next_step="")
    assert_field_error(client_for(owner), url, data, "next_step", unchanged=snapshot)


@pytest.mark.parametrize("field", ["outcome", "commitment", "helped_us"])
def test_a_report_missing_an_answer_is_refused(client_for, owner, account, past_visit, field):
    url = reverse("planning:visit_report", args=[account.pk, past_visit.pk])
    data = report_data(**{field: ""})
    assert_field_error(client_for(owner), url, data, field, unchanged=snapshot)


def test_a_crafted_commitment_is_refused(client_for, owner, account, past_visit):
    url = reverse("planning:visit_report", args=[account.pk, past_visit.pk])
    data = report_data(commitment="bribe")
    assert_field_error(client_for(owner), url, data, "commitment", unchanged=snapshot)


def test_a_report_on_a_visit_that_does_not_exist_is_a_404(client_for, owner, account):
    before = snapshot()
    url = reverse("planning:visit_report", args=[account.pk, 987654])
    assert client_for(owner).post(url, report_data()).status_code == 404
    assert snapshot() == before


def test_garbage_in_the_url_is_a_404_not_a_500(client_for, owner, account):
    client = client_for(owner)
    assert client.get(f"/accounts/{account.pk}/visits/abc/").status_code == 404
    assert client.get(f"/accounts/{account.pk}/visits/?page=zz&x=1").status_code == 200


def test_the_service_refuses_a_crafted_attendee_too(owner, account):
    from django.core.exceptions import ValidationError

    from planning.visits import services

    stranger = StakeholderFactory(account=AccountFactory(owner=owner))
    with pytest.raises(ValidationError) as error:
        services.visit_save(
            actor=owner,
            account=account,
            fields={"objective": "x", "starts_at": timezone.now()},
            attendees=[stranger],
            our_attendees=[UserFactory()],
        )
    assert set(error.value.error_dict) == {"attendees", "our_attendees"}
    assert not Visit.objects.exists()
