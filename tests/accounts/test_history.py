import pytest
from django.urls import reverse

from accounts import services
from accounts.history import account_history
from tests.factories import tier

pytestmark = pytest.mark.django_db


def test_editing_an_account_records_who_changed_which_field(client_for, owner, account):
    response = client_for(owner).post(
        reverse("accounts:edit", args=[account.pk]),
        {
            "name": "Sinopec Digital Technology",
            "industry": "energy",
            "region": account.region,
            "category": "key",
            "owner": owner.pk,
            "tier": tier("platinum").pk,
            "row_version": account.row_version,
        },
    )
    assert response.status_code == 302
    latest = account_history(account)[0]
    assert latest.who == owner
    changes = {change.label: (change.old, change.new) for change in latest.changes}
    assert changes["Name"] == ("Sinopec Digital", "Sinopec Digital Technology")
    assert changes["Industry"] == ("Manufacturing", "Energy")
    assert changes["Category"] == ("Normal", "Key account")
    assert changes["Tier"] == ("—", "Platinum")


def test_team_and_complaint_changes_appear_on_the_history_tab(
    client_for, owner, outsider, director, account
):
    services.team_member_add(actor=owner, account=account, user=outsider, role="sponsor")
    complaint = services.complaint_open(
        actor=owner, account=account, title="Wrong invoice", category="billing"
    )
    services.complaint_resolve(
        actor=owner,
        complaint=complaint,
        expected_version=complaint.row_version,
        resolution="Credit note issued",
    )
    services.account_set_owner(
        actor=director, account=account, owner=outsider, expected_version=account.row_version
    )

    body = client_for(owner).get(reverse("accounts:history", args=[account.pk])).content.decode()
    assert "Wrong invoice" in body
    assert "Credit note issued" in body
    assert "Executive sponsor" in body
    reassignment = next(e for e in account_history(account) if e.subject_kind == "Account")
    assert reassignment.who == director
    owner_change = next(c for c in reassignment.changes if c.label == "Account manager")
    assert owner_change.old == str(owner) and owner_change.new == str(outsider)


def test_reassigning_keeps_the_previous_owner_on_the_team(director, owner, outsider, account):
    services.account_set_owner(
        actor=director, account=account, owner=outsider, expected_version=account.row_version
    )
    account.refresh_from_db()
    assert account.owner == outsider
    assert account.team_members.filter(user=owner).exists()
    assert not account.team_members.filter(user=outsider).exists()


def test_a_complaint_follows_its_declared_lifecycle(owner, account):
    from django.core.exceptions import ValidationError

    complaint = services.complaint_open(
        actor=owner, account=account, title="Noise", category="product"
    )
    services.complaint_resolve(
        actor=owner, complaint=complaint, expected_version=complaint.row_version, resolution="Fixed"
    )
    resolved = complaint.row_version
    with pytest.raises(ValidationError):
        services.complaint_update(
            actor=owner, complaint=complaint, expected_version=resolved, status="in_progress"
        )
    complaint.refresh_from_db()
    assert complaint.row_version == resolved, "a refused change moves no version"
    services.complaint_reopen(actor=owner, complaint=complaint, expected_version=resolved)
    complaint.refresh_from_db()
    assert complaint.status == "open" and complaint.resolution == ""
