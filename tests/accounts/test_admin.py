"""Django's admin shows complaints, account team members and transactions but changes none of
them: their writes go through the services (the complaint lifecycle, the team kept in step with
the owner, the figures health is computed from). Accounts stay editable except owner and
category."""

import pytest
from django.urls import reverse

from accounts.models import Account, AccountTeamMember, Complaint, Transaction
from tests.conflict_checks import form_data, page_form
from tests.factories import ComplaintFactory, TransactionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def records(account):
    return {
        "complaint": ComplaintFactory(account=account, owner=account.owner),
        "accountteammember": account.team_members.get(),
        "transaction": TransactionFactory(account=account),
    }


def snapshot():
    return (
        list(Complaint.objects.values().order_by("pk")),
        list(AccountTeamMember.objects.values().order_by("pk")),
        list(Transaction.objects.values().order_by("pk")),
    )


@pytest.mark.parametrize("model", ["complaint", "accountteammember", "transaction"])
def test_the_admin_shows_but_refuses_add_change_and_delete(client_for, superuser, records, model):
    record = records[model]
    client = client_for(superuser)
    before = snapshot()

    assert client.get(reverse(f"admin:accounts_{model}_changelist")).status_code == 200
    view = client.get(reverse(f"admin:accounts_{model}_change", args=[record.pk]))
    assert view.status_code == 200 and not view.context["has_change_permission"]
    assert client.get(reverse(f"admin:accounts_{model}_add")).status_code == 403
    assert client.post(reverse(f"admin:accounts_{model}_add"), {"account": 1}).status_code == 403
    change = client.post(
        reverse(f"admin:accounts_{model}_change", args=[record.pk]),
        {"title": "Edited in the admin", "status": "resolved", "role": "owner", "amount": "1"},
    )
    assert change.status_code == 403
    delete = client.post(
        reverse(f"admin:accounts_{model}_delete", args=[record.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert snapshot() == before


def test_the_account_admin_shows_the_team_without_letting_it_change(
    client_for, superuser, account, teammate
):
    page = client_for(superuser).get(reverse("admin:accounts_account_change", args=[account.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert str(teammate) in html
    assert 'name="owner"' not in html and 'name="category"' not in html
    assert 'name="name"' in html


def test_the_account_admin_cannot_move_the_owner_or_category(
    client_for, superuser, account, teammate
):
    client = client_for(superuser)
    url = reverse("admin:accounts_account_change", args=[account.pk])
    page = client.get(url)
    action, form = page_form(page.content.decode(), "http://testserver" + url, "/change/")
    data = form_data(form, {})
    data.update({"owner": [str(teammate.pk)], "category": ["lost"], "_save": ["Save"]})
    assert client.post(action, data).status_code == 302
    stored = Account.objects.get(pk=account.pk)
    assert (stored.owner_id, stored.category) == (account.owner_id, account.category)
