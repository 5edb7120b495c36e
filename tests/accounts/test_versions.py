"""Restore from history: an earlier version of an account beside the account now, and the chosen
fields put back as a new, audited change (issue 15, part 2)."""

import pytest
from django.urls import reverse

from accounts import services
from accounts.history import account_history
from accounts.models import Account, Stakeholder
from accounts.stakeholders import services as stakeholder_services
from tests.access_checks import assert_hidden_from
from tests.factories import AccountFactory, StakeholderFactory, tier

pytestmark = pytest.mark.django_db


def update(account, actor, **fields):
    fresh = Account.objects.get(pk=account.pk)
    return services.account_update(
        actor=actor, account=fresh, expected_version=fresh.row_version, **fields
    )


@pytest.fixture
def edited(account, owner, teammate):
    """The owner wrote a description and a size; the teammate then overwrote both."""
    update(account, owner, description="Refinery digitalisation, phase 1", employees=1200)
    first = account.history.order_by("-history_id").first()
    update(account, teammate, description="Oops, pasted the wrong text", employees=12)
    return first


def version_url(account, version):
    return reverse("accounts:history_version", args=[account.pk, version.history_id])


def test_the_page_shows_that_version_beside_now(client_for, owner, account, edited):
    response = client_for(owner).get(version_url(account, edited))
    assert response.status_code == 200
    rows = {row.name: row for row in response.context["compared"]}
    assert rows["description"].then == "Refinery digitalisation, phase 1"
    assert rows["description"].now == "Oops, pasted the wrong text"
    assert rows["description"].differs and rows["description"].restorable
    assert not rows["name"].differs and not rows["name"].restorable
    html = response.content.decode()
    assert 'name="fields_to_restore" value="description"' in html
    assert 'name="fields_to_restore" value="name"' not in html  # nothing to put back


def test_the_chosen_fields_come_back_and_the_rest_stay(client_for, owner, account, edited):
    account.refresh_from_db()
    response = client_for(owner).post(
        version_url(account, edited),
        {"fields_to_restore": ["description"], "row_version": account.row_version},
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.description == "Refinery digitalisation, phase 1"
    assert account.employees == 12  # not ticked: as it is now

    latest = account_history(account)[0]
    assert latest.who == owner
    assert latest.reason.startswith("Restored from the version of")
    changes = {change.label: (change.old, change.new) for change in latest.changes}
    assert changes == {
        "Description": ("Oops, pasted the wrong text", "Refinery digitalisation, phase 1")
    }


def test_the_history_tab_links_each_account_version_to_its_comparison(
    client_for, owner, account, edited
):
    html = client_for(owner).get(reverse("accounts:history", args=[account.pk])).content.decode()
    assert version_url(account, edited) in html


def test_a_stale_comparison_writes_nothing_and_shows_the_account_as_stored_now(
    client_for, owner, teammate, account, edited
):
    account.refresh_from_db()
    loaded_at = account.row_version
    update(account, teammate, description="Fixed by the teammate meanwhile")
    response = client_for(owner).post(
        version_url(account, edited),
        {"fields_to_restore": ["description"], "row_version": loaded_at},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{teammate} changed this account at" in html
    account.refresh_from_db()
    assert account.description == "Fixed by the teammate meanwhile"
    rows = {row.name: row for row in response.context["compared"]}
    assert rows["description"].now == "Fixed by the teammate meanwhile"
    assert 'value="description" id="restore-description" checked' in html  # the tick is kept
    assert response.context["form"]["row_version"].value() == str(account.row_version)


def test_the_owner_comes_back_only_for_those_who_may_reassign_it(
    client_for, owner, teammate, outsider, account
):
    update(account, owner, tier=tier("gold"))
    account.refresh_from_db()
    first = account.history.order_by("-history_id").first()
    services.account_set_owner(
        actor=owner, account=account, owner=outsider, expected_version=account.row_version
    )
    account.refresh_from_db()
    response = client_for(teammate).post(
        version_url(account, first),
        {"fields_to_restore": ["owner"], "row_version": account.row_version},
    )
    assert response.status_code == 200
    assert "fields_to_restore" in response.context["form"].errors
    account.refresh_from_db()
    assert account.owner == outsider


def test_losing_an_account_is_not_restored_around_its_loss_record(client_for, owner, account):
    update(account, owner, category="lost")
    lost = account.history.order_by("-history_id").first()
    update(account, owner, category="normal")
    account.refresh_from_db()
    response = client_for(owner).post(
        version_url(account, lost),
        {"fields_to_restore": ["category"], "row_version": account.row_version},
    )
    assert response.status_code == 200
    assert "recording why it was lost" in response.content.decode()
    account.refresh_from_db()
    assert account.category == "normal"


def test_it_hides_the_page_from_a_manager_outside_the_team(client_for, outsider, account, edited):
    assert_hidden_from(client_for(outsider), [version_url(account, edited)])


def test_another_accounts_version_is_not_found_here(client_for, owner, account, edited):
    other = AccountFactory(owner=owner)
    url = reverse("accounts:history_version", args=[other.pk, edited.history_id])
    assert client_for(owner).get(url).status_code == 404


def test_a_director_compares_but_cannot_put_back(client_for, director, account, edited):
    client = client_for(director)
    response = client.get(version_url(account, edited))
    assert response.status_code == 200
    assert 'name="fields_to_restore"' not in response.content.decode()
    account.refresh_from_db()
    response = client.post(
        version_url(account, edited),
        {"fields_to_restore": ["description"], "row_version": account.row_version},
    )
    assert response.status_code == 403
    account.refresh_from_db()
    assert account.description == "Oops, pasted the wrong text"


@pytest.mark.parametrize("edits", [1, 40])
def test_the_comparison_costs_the_same_queries_with_a_long_history(
    client_for, owner, account, edits, django_assert_max_num_queries
):
    for number in range(edits):
        update(
            account,
            owner,
            description=f"Edit {number}",
            tier=tier("gold" if number % 2 else "iron"),
        )
    first = account.history.order_by("history_id").first()
    client = client_for(owner)
    with django_assert_max_num_queries(10):  # 8, the session and the unread count
        response = client.get(version_url(account, first))
    assert response.status_code == 200


# --- A stakeholder's versions -------------------------------------------------------------------


def save_person(person, actor, **fields):
    fresh = Stakeholder.objects.get(pk=person.pk)
    return stakeholder_services.stakeholder_save(
        actor=actor,
        account=fresh.account,
        stakeholder=fresh,
        expected_version=fresh.row_version,
        fields=fields,
    )


def test_a_persons_history_lists_each_version_and_restores_the_chosen_fields(
    client_for, owner, teammate, account
):
    person = StakeholderFactory(account=account, name="Liu Yang", title="CIO", attitude="supporter")
    save_person(person, teammate, title="Head of purchasing", attitude="opponent")
    first = person.history.earliest()
    client = client_for(owner)

    history = client.get(reverse("accounts:stakeholder_history", args=[account.pk, person.pk]))
    assert history.status_code == 200
    assert [version.history_id for version in history.context["versions"]][-1] == first.history_id
    version_url = reverse(
        "accounts:stakeholder_version", args=[account.pk, person.pk, first.history_id]
    )
    assert version_url in history.content.decode()

    person.refresh_from_db()
    response = client.post(
        version_url, {"fields_to_restore": ["title"], "row_version": person.row_version}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.title, person.attitude) == ("CIO", "opponent")  # only the ticked field
    latest = person.history.latest()
    assert latest.history_user == owner
    assert latest.history_change_reason.startswith("restored:")


def test_a_reporting_line_that_would_loop_is_not_restored(client_for, owner, account):
    boss = StakeholderFactory(account=account, name="Boss")
    person = StakeholderFactory(account=account, name="Deputy", reports_to=boss)
    first = person.history.earliest()
    save_person(person, owner, reports_to=None)
    save_person(boss, owner, reports_to=Stakeholder.objects.get(pk=person.pk))
    person.refresh_from_db()
    response = client_for(owner).post(
        reverse("accounts:stakeholder_version", args=[account.pk, person.pk, first.history_id]),
        {"fields_to_restore": ["reports_to"], "row_version": person.row_version},
    )
    assert response.status_code == 200
    assert "reporting loop" in response.content.decode()
    person.refresh_from_db()
    assert person.reports_to is None


def test_the_account_history_links_a_persons_version_to_its_comparison(client_for, owner, account):
    person = StakeholderFactory(account=account, name="Liu Yang")
    version = person.history.earliest()
    html = client_for(owner).get(reverse("accounts:history", args=[account.pk])).content.decode()
    assert (
        reverse("accounts:stakeholder_version", args=[account.pk, person.pk, version.history_id])
        in html
    )


@pytest.mark.parametrize("edits", [1, 30])
def test_a_persons_history_and_comparison_cost_the_same_queries_with_a_long_history(
    client_for, owner, account, edits, django_assert_max_num_queries
):
    boss = StakeholderFactory(account=account, name="Boss")
    person = StakeholderFactory(account=account, name="Liu Yang")
    for number in range(edits):
        save_person(person, owner, title=f"Title {number}", reports_to=boss if number % 2 else None)
    first = person.history.earliest()
    client = client_for(owner)
    with django_assert_max_num_queries(10):
        assert (
            client.get(
                reverse("accounts:stakeholder_history", args=[account.pk, person.pk])
            ).status_code
            == 200
        )
    with django_assert_max_num_queries(10):
        assert (
            client.get(
                reverse(
                    "accounts:stakeholder_version", args=[account.pk, person.pk, first.history_id]
                )
            ).status_code
            == 200
        )
