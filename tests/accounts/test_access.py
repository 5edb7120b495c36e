"""DESIGN.md §3 on every accounts URL: outsiders get 404, directors look but do not touch."""

import pytest
from django.urls import reverse

from accounts.access import visible_accounts
from accounts.models import Account, AccountTeamMember, Complaint, Transaction
from tests.access_checks import assert_hidden_from, assert_refused, url_names
from tests.factories import AccountFactory, ComplaintFactory, TeamMemberFactory, TransactionFactory

pytestmark = pytest.mark.django_db


def object_urls(account, complaint, member):
    pk = account.pk
    return {
        "accounts:detail": reverse("accounts:detail", args=[pk]),
        "accounts:edit": reverse("accounts:edit", args=[pk]),
        "accounts:history": reverse("accounts:history", args=[pk]),
        "accounts:history_version": reverse(
            "accounts:history_version", args=[pk, account.history.earliest().history_id]
        ),
        "accounts:team": reverse("accounts:team", args=[pk]),
        "accounts:team_member_remove": reverse("accounts:team_member_remove", args=[pk, member.pk]),
        "accounts:transactions": reverse("accounts:transactions", args=[pk]),
        "accounts:transaction_create": reverse("accounts:transaction_create", args=[pk]),
        "accounts:complaints": reverse("accounts:complaints", args=[pk]),
        "accounts:complaint_create": reverse("accounts:complaint_create", args=[pk]),
        "accounts:complaint_edit": reverse("accounts:complaint_edit", args=[pk, complaint.pk]),
        "accounts:complaint_resolve": reverse(
            "accounts:complaint_resolve", args=[pk, complaint.pk]
        ),
        "accounts:complaint_reopen": reverse("accounts:complaint_reopen", args=[pk, complaint.pk]),
    }


COLLECTION_URLS = {"accounts:list", "accounts:create"}
# The list's exports, scoped like the list; proven in tests/accounts/test_exports.py.
EXPORT_URLS = {
    "accounts:export_accounts",
    "accounts:export_stakeholders",
    "accounts:export_transactions",
}
# Routes of the relationship parts, each proven by its own access tests (tests/accounts/).
PART_PREFIXES = (
    "accounts:stakeholder",
    "accounts:coverage",
    "accounts:relationship",
    "accounts:stage",
    # The spreadsheet import's routes, proven in tests/accounts/test_import_access.py.
    "accounts:import",
    # Sign-in lockouts (an admin page), proven in tests/accounts/test_lockouts_access.py.
    "accounts:lockout",
    # Background exports, proven in tests/accounts/test_export_jobs_access.py.
    "accounts:export_job",
    # The outgoing mail page (admins only), proven in tests/accounts/test_mail_page.py.
    "accounts:mail",
)


@pytest.fixture
def complaint(account):
    return ComplaintFactory(account=account, owner=account.owner)


@pytest.fixture
def member(account):
    return account.team_members.get()


def snapshot():
    return (
        list(Account.objects.values_list("pk", "name", "owner_id", "category").order_by("pk")),
        list(AccountTeamMember.objects.values_list("pk", "user_id", "role").order_by("pk")),
        list(Complaint.objects.values_list("pk", "status", "title").order_by("pk")),
        Transaction.objects.count(),
    )


def test_every_accounts_url_is_covered_by_these_tests(account, complaint, member):
    covered = set(object_urls(account, complaint, member)) | COLLECTION_URLS | EXPORT_URLS
    records_urls = {name for name in url_names("accounts") if not name.startswith(PART_PREFIXES)}
    assert records_urls == covered


def test_it_hides_every_object_url_from_a_manager_outside_the_team(
    client_for, outsider, account, complaint, member
):
    assert_hidden_from(client_for(outsider), object_urls(account, complaint, member).values())


def test_unknown_ids_answer_404(client_for, owner, account, complaint, member):
    client = client_for(owner)
    assert client.get(reverse("accounts:detail", args=[999999])).status_code == 404
    assert (
        client.get(reverse("accounts:complaint_edit", args=[account.pk, 999999])).status_code == 404
    )
    other = ComplaintFactory(account=AccountFactory(owner=owner))
    # A complaint reached through the wrong account is not found either.
    assert (
        client.get(reverse("accounts:complaint_edit", args=[account.pk, other.pk])).status_code
        == 404
    )


def test_it_lists_only_the_managers_own_accounts(client_for, owner, outsider, account):
    AccountFactory(name="Outsider Holdings", owner=outsider)
    shared = AccountFactory(name="Shared Telecom", owner=outsider)
    TeamMemberFactory(account=shared, user=owner)

    assert set(visible_accounts(owner).values_list("name", flat=True)) == {
        "Sinopec Digital",
        "Shared Telecom",
    }
    body = client_for(owner).get(reverse("accounts:list")).content.decode()
    assert "Sinopec Digital" in body and "Shared Telecom" in body
    assert "Outsider Holdings" not in body


def test_a_director_and_an_admin_see_every_account(
    client_for, director, admin_user, outsider, account
):
    AccountFactory(name="Outsider Holdings", owner=outsider)
    for user in (director, admin_user):
        body = client_for(user).get(reverse("accounts:list")).content.decode()
        assert "Sinopec Digital" in body and "Outsider Holdings" in body
        assert (
            client_for(user).get(reverse("accounts:detail", args=[account.pk])).status_code == 200
        )


def test_a_director_cannot_edit_an_account_or_what_hangs_off_it(
    client_for, director, account, complaint
):
    pk = account.pk
    client = client_for(director)
    assert client.get(reverse("accounts:edit", args=[pk])).status_code == 403
    assert client.get(reverse("accounts:transaction_create", args=[pk])).status_code == 403
    assert client.get(reverse("accounts:create")).status_code == 403
    assert_refused(
        client,
        {
            reverse("accounts:create"): {"name": "X", "industry": "finance", "region": "east"},
            reverse("accounts:edit", args=[pk]): {"name": "Renamed", "industry": "finance"},
            reverse("accounts:transaction_create", args=[pk]): {
                "date": "2026-01-05",
                "amount": "100",
                "gross_margin": "10",
            },
            reverse("accounts:complaint_create", args=[pk]): {"title": "x", "category": "other"},
            reverse("accounts:complaint_edit", args=[pk, complaint.pk]): {"title": "changed"},
            reverse("accounts:complaint_resolve", args=[pk, complaint.pk]): {"resolution": "ok"},
        },
        unchanged=snapshot,
    )


def test_a_director_may_reassign_the_owner_and_change_the_team(
    client_for, director, outsider, account
):
    client = client_for(director)
    response = client.post(
        reverse("accounts:team", args=[account.pk]),
        {"action": "owner", "owner": outsider.pk, "row_version": account.row_version},
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.owner == outsider


def test_a_teammate_edits_the_record_but_cannot_reassign_the_owner(
    client_for, teammate, outsider, account, member
):
    client = client_for(teammate)
    assert client.get(reverse("accounts:edit", args=[account.pk])).status_code == 200
    assert_refused(
        client,
        {
            reverse("accounts:team", args=[account.pk]): {"action": "owner", "owner": outsider.pk},
            reverse("accounts:team_member_remove", args=[account.pk, member.pk]): {},
        },
        unchanged=snapshot,
    )


def test_the_owner_manages_the_team(client_for, owner, outsider, account, member):
    client = client_for(owner)
    response = client.post(
        reverse("accounts:team", args=[account.pk]),
        {"action": "add", "user": outsider.pk, "role": "sponsor"},
    )
    assert response.status_code == 302
    assert account.team_members.filter(user=outsider, role="sponsor").exists()
    client.post(
        reverse("accounts:team_member_remove", args=[account.pk, member.pk]),
        {"row_version": member.row_version},
    )
    assert not account.team_members.filter(pk=member.pk).exists()


def test_a_user_without_a_role_sees_nothing(client_for, account):
    from tests.factories import UserFactory

    nobody = UserFactory(username="nobody")
    assert not visible_accounts(nobody).exists()
    assert client_for(nobody).get(reverse("accounts:detail", args=[account.pk])).status_code == 404
    assert client_for(nobody).get(reverse("accounts:create")).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(client, account):
    for url in (reverse("accounts:list"), reverse("accounts:detail", args=[account.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_a_deactivated_manager_loses_access(owner, account):
    owner.is_active = False
    owner.save()
    assert not visible_accounts(owner).exists()


def test_transactions_of_other_accounts_never_show(client_for, owner, outsider, account):
    TransactionFactory(account=account, reference="MINE-1")
    TransactionFactory(account=AccountFactory(owner=outsider), reference="THEIRS-1")
    body = client_for(owner).get(reverse("accounts:transactions", args=[account.pk])).content
    assert b"MINE-1" in body and b"THEIRS-1" not in body
