"""Bad input on the stakeholder forms: an error next to the field, nothing saved, never a 500."""

import pytest
from django.urls import reverse

from accounts.models import Stakeholder, StakeholderNeed, StakeholderPrivateNote
from tests.access_checks import assert_field_error
from tests.factories import AccountFactory, StakeholderFactory, StakeholderNeedFactory

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Liu Yang",
    "title": "CIO",
    "buying_role": "decision_maker",
    "attitude": "neutral",
    "influence": "4",
    "involvement": "3",
    "needs-TOTAL_FORMS": "1",
    "needs-INITIAL_FORMS": "0",
    "needs-0-description": "Lower total cost",
    "needs-0-scope": "company",
    "needs-0-openness": "open",
    "needs-0-expression": "explicit",
    "hometown": "Hangzhou",
}


def snapshot():
    return (
        list(Stakeholder.objects.order_by("pk").values()),
        list(StakeholderNeed.objects.order_by("pk").values()),
        list(StakeholderPrivateNote.objects.order_by("pk").values()),
    )


def post_and_expect_field_error(client, url, data, field, snippet=None):
    return assert_field_error(client, url, data, field, unchanged=snapshot, snippet=snippet)


@pytest.fixture
def people(account):
    anna = StakeholderFactory(account=account, name="Anna")
    bo = StakeholderFactory(account=account, name="Bo", reports_to=anna)
    chen = StakeholderFactory(account=account, name="Chen", reports_to=bo)
    StakeholderNeedFactory(stakeholder=anna, description="Keep")
    return anna, bo, chen


def create_url(account):
    return reverse("accounts:stakeholder_create", args=[account.pk])


def edit_url(account, person):
    return reverse("accounts:stakeholder_edit", args=[account.pk, person.pk])


@pytest.mark.parametrize(
    ("changes", "field", "snippet"),
    [
        ({"influence": "7"}, "influence", "less than or equal to 5"),
        ({"influence": "0"}, "influence", "greater than or equal to 1"),
        ({"involvement": "lots"}, "involvement", "whole number"),
        ({"name": ""}, "name", "required"),
        ({"name": "   "}, "name", None),
        ({"buying_role": "emperor"}, "buying_role", "valid choice"),
        ({"attitude": ""}, "attitude", "required"),
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"reports_to": "999999"}, "reports_to", "valid choice"),
        ({"birthday": "2999-01-01"}, "birthday", None),
    ],
)
def test_the_stakeholder_form_rejects_bad_input(
    client_for, owner, account, changes, field, snippet
):
    client = client_for(owner)
    if field == "birthday":
        # The private-notes form: its error is shown next to its own field.
        before = snapshot()
        response = client.post(create_url(account), VALID | changes)
        assert response.status_code == 200
        assert "birthday" in response.context["note_form"].errors
        assert 'id="error_1_id_birthday"' in response.content.decode()
        assert snapshot() == before
        return
    post_and_expect_field_error(client, create_url(account), VALID | changes, field, snippet)


def test_a_stakeholder_of_another_account_as_manager_is_a_field_error(client_for, owner, account):
    foreign = StakeholderFactory(account=AccountFactory(), name="Foreign Boss")
    post_and_expect_field_error(
        client_for(owner),
        create_url(account),
        VALID | {"reports_to": str(foreign.pk)},
        "reports_to",
    )


def test_a_direct_reporting_loop_is_refused_naming_the_people(client_for, owner, account, people):
    anna, bo, _chen = people
    response = post_and_expect_field_error(
        client_for(owner),
        edit_url(account, anna),
        VALID
        | {
            "name": "Anna",
            "reports_to": str(bo.pk),
            "needs-TOTAL_FORMS": "0",
            "row_version": anna.row_version,
        },
        "reports_to",
        "Anna → Bo → Anna",
    )
    assert "reporting loop" in response.content.decode()


def test_a_longer_reporting_loop_is_refused(client_for, owner, account, people):
    anna, _bo, chen = people
    post_and_expect_field_error(
        client_for(owner),
        edit_url(account, anna),
        VALID
        | {
            "name": "Anna",
            "reports_to": str(chen.pk),
            "needs-TOTAL_FORMS": "0",
            "row_version": anna.row_version,
        },
        "reports_to",
        "Anna → Chen → Bo → Anna",
    )


def test_reporting_to_oneself_is_refused(client_for, owner, account, people):
    anna, _bo, _chen = people
    post_and_expect_field_error(
        client_for(owner),
        edit_url(account, anna),
        VALID
        | {
            "name": "Anna",
            "reports_to": str(anna.pk),
            "needs-TOTAL_FORMS": "0",
            "row_version": anna.row_version,
        },
        "reports_to",
    )


def test_a_bad_need_row_is_an_error_on_that_row_and_saves_nothing(client_for, owner, account):
    before = snapshot()
    response = client_for(owner).post(create_url(account), VALID | {"needs-0-scope": "galactic"})
    assert response.status_code == 200
    assert "scope" in response.context["needs"].forms[0].errors
    assert snapshot() == before


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"needs-TOTAL_FORMS": "abc"},
        VALID | {"needs-TOTAL_FORMS": "9999"},
        VALID | {"add_need": "1", "needs-TOTAL_FORMS": "x"},
        VALID | {"needs-0-id": "123456"},
    ],
)
def test_garbage_posts_never_crash(client_for, owner, account, data):
    before = snapshot()
    response = client_for(owner).post(create_url(account), data)
    assert response.status_code == 200
    assert snapshot() == before


def test_a_garbage_leaving_date_is_a_field_error(client_for, owner, account, people):
    anna, _bo, _chen = people
    response = client_for(owner).post(
        reverse("accounts:stakeholder_mark_left", args=[account.pk, anna.pk]),
        {"left_on": "yesterday-ish", "row_version": anna.row_version},
    )
    assert response.status_code == 200
    assert "left_on" in response.context["mark_left_form"].errors
    anna.refresh_from_db()
    assert not anna.has_left
