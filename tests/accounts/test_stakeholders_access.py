"""Access to the stakeholder map (DESIGN.md §3): outsiders get 404 on every URL, a director may
look but not change anything, and private notes reach the account team only."""

import pytest
from django.urls import reverse

from accounts.models import Stakeholder, StakeholderNeed, StakeholderPrivateNote
from tests.access_checks import assert_hidden_from, assert_refused, url_names
from tests.factories import PrivateNoteFactory, StakeholderFactory, StakeholderNeedFactory

pytestmark = pytest.mark.django_db

ROUTES = {
    "accounts:stakeholders",
    "accounts:stakeholder_create",
    "accounts:stakeholder_org_chart",
    "accounts:stakeholder_power_grid",
    "accounts:stakeholder_detail",
    "accounts:stakeholder_edit",
    "accounts:stakeholder_mark_left",
    "accounts:stakeholder_reinstate",
    "accounts:stakeholder_history",
    "accounts:stakeholder_version",
}
SECRET = "Secret-hobby-orchids"


@pytest.fixture
def person(account):
    boss = StakeholderFactory(account=account, name="Boss Person")
    person = StakeholderFactory(account=account, name="Ma Rui", reports_to=boss)
    StakeholderNeedFactory(stakeholder=person)
    PrivateNoteFactory(stakeholder=person, interests=SECRET, family=SECRET, notes=SECRET)
    return person


def urls_for(account, person) -> dict[str, str]:
    on_account = {
        name: reverse(name, args=[account.pk])
        for name in (
            "accounts:stakeholders",
            "accounts:stakeholder_create",
            "accounts:stakeholder_org_chart",
            "accounts:stakeholder_power_grid",
        )
    }
    on_person = {
        name: reverse(name, args=[account.pk, person.pk])
        for name in (
            "accounts:stakeholder_detail",
            "accounts:stakeholder_edit",
            "accounts:stakeholder_mark_left",
            "accounts:stakeholder_reinstate",
            "accounts:stakeholder_history",
        )
    }
    version = person.history.earliest().history_id
    on_version = {
        "accounts:stakeholder_version": reverse(
            "accounts:stakeholder_version", args=[account.pk, person.pk, version]
        )
    }
    return on_account | on_person | on_version


def snapshot():
    return (
        list(Stakeholder.objects.order_by("pk").values()),
        list(StakeholderNeed.objects.order_by("pk").values()),
        list(StakeholderPrivateNote.objects.order_by("pk").values()),
    )


def test_every_stakeholder_route_is_covered_here():
    assert {n for n in url_names("accounts") if n.startswith("accounts:stakeholder")} == ROUTES


def test_an_outsider_gets_404_on_every_stakeholder_url(client_for, outsider, account, person):
    urls = urls_for(account, person)
    assert set(urls) == ROUTES
    assert_hidden_from(client_for(outsider), urls.values())


def test_another_accounts_person_under_my_account_is_a_404(client_for, owner, account, person):
    from tests.factories import AccountFactory

    mine = AccountFactory(owner=owner)
    client = client_for(owner)
    for name in (
        "accounts:stakeholder_detail",
        "accounts:stakeholder_edit",
        "accounts:stakeholder_mark_left",
        "accounts:stakeholder_reinstate",
        "accounts:stakeholder_history",
    ):
        url = reverse(name, args=[mine.pk, person.pk])
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404


def test_a_director_cannot_change_anything(client_for, director, account, person):
    valid = {
        "name": "Changed",
        "buying_role": "user",
        "attitude": "neutral",
        "influence": "3",
        "involvement": "3",
        "needs-TOTAL_FORMS": "0",
        "needs-INITIAL_FORMS": "0",
        "interests": "Overwritten",
    }
    urls = urls_for(account, person)
    version = {"row_version": person.row_version}
    assert_refused(
        client_for(director),
        {
            urls["accounts:stakeholder_create"]: valid,
            urls["accounts:stakeholder_edit"]: valid | version,
            urls["accounts:stakeholder_mark_left"]: {"left_on": "2026-01-01"} | version,
            urls["accounts:stakeholder_reinstate"]: version,
            urls["accounts:stakeholder_version"]: {"fields_to_restore": ["name"]} | version,
        },
        unchanged=snapshot,
    )
    client = client_for(director)
    for name in ("accounts:stakeholder_create", "accounts:stakeholder_edit"):
        assert client.get(urls[name]).status_code == 403


def test_a_director_sees_the_map_but_never_the_private_notes(client_for, director, account, person):
    client = client_for(director)
    urls = urls_for(account, person)
    for name in (
        "accounts:stakeholders",
        "accounts:stakeholder_org_chart",
        "accounts:stakeholder_power_grid",
        "accounts:stakeholder_detail",
        "accounts:stakeholder_history",
        "accounts:stakeholder_version",
    ):
        response = client.get(urls[name])
        assert response.status_code == 200, name
        html = response.content.decode()
        assert "Ma Rui" in html, name
        assert SECRET not in html, name
        assert "Suzhou" not in html, name
        assert 'data-testid="private-notes"' not in html
    history = client.get(reverse("accounts:history", args=[account.pk])).content.decode()
    assert SECRET not in history


def test_the_teammate_sees_the_private_notes(client_for, teammate, account, person):
    client = client_for(teammate)
    card = client.get(reverse("accounts:stakeholder_detail", args=[account.pk, person.pk]))
    assert SECRET in card.content.decode()
    form = client.get(reverse("accounts:stakeholder_edit", args=[account.pk, person.pk]))
    assert SECRET in form.content.decode()
