"""`manage.py seed_demo`: demo logins for each role and a deterministic, valid portfolio."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Q, Sum
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.access import ACCOUNT_MANAGER, KAM_ADMIN, SALES_DIRECTOR, visible_accounts
from accounts.demo import DEMO_LOGINS, DEMO_PASSWORD
from accounts.demo.loading import insert, update
from accounts.models import (
    Account,
    AccountTeamMember,
    Category,
    Complaint,
    ComplaintStatus,
    Coverage,
    StageAssessment,
    StageChange,
    Stakeholder,
    StakeholderNeed,
    StakeholderPrivateNote,
    Transaction,
    User,
)
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def _demo_site():
    """seed_demo runs only on a demo or development site (KAM_DEMO_MODE or DEBUG)."""
    with override_settings(KAM_DEMO_MODE=True):
        yield


SMALL = 30


def seed(*args):
    out = StringIO()
    call_command("seed_demo", "--accounts", str(SMALL), *args, stdout=out)
    return out.getvalue()


def snapshot():
    names = list(Account.objects.order_by("external_id").values_list("name", flat=True))
    totals = Transaction.objects.aggregate(amount=Sum("amount"), margin=Sum("gross_margin"))
    return (
        names,
        totals,
        Transaction.objects.count(),
        Complaint.objects.count(),
        relationships_snapshot(),
    )


def relationships_snapshot():
    """The relationship rows by natural keys (ids differ between runs)."""
    stages = list(
        Account.objects.order_by("external_id").values_list(
            "external_id", "relationship_stage", "target_stage", "decision_style", "buyer_intent"
        )
    )
    people = sorted(
        Stakeholder.objects.values_list(
            "account__external_id",
            "name",
            "title",
            "reports_to__name",
            "buying_role",
            "attitude",
            "influence",
            "status",
            "left_on",
        )
    )
    needs = sorted(StakeholderNeed.objects.values_list("stakeholder__name", "description", "scope"))
    notes = sorted(StakeholderPrivateNote.objects.values_list("stakeholder__name", "hometown"))
    coverage = sorted(
        Coverage.objects.values_list(
            "stakeholder__account__external_id",
            "stakeholder__name",
            "user__username",
            "strength",
            "last_contact",
        )
    )
    changes = sorted(
        StageChange.objects.values_list(
            "account__external_id", "changed_at", "from_stage", "to_stage", "rationale"
        )
    )
    assessments = sorted(
        StageAssessment.objects.values_list("account__external_id", "suggested_stage")
    )
    return stages, people, needs, notes, coverage, changes, assessments


def test_it_creates_the_demo_logins_with_their_roles():
    seed()

    expected_roles = {
        "manager": ACCOUNT_MANAGER,
        "manager2": ACCOUNT_MANAGER,
        "director": SALES_DIRECTOR,
        "admin": KAM_ADMIN,
    }
    assert {p.username: p.role for p in DEMO_LOGINS} == expected_roles
    for username, role in expected_roles.items():
        response = Client().post(
            reverse("login"), {"username": username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, username
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert user.language == ""
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert not User.objects.get(username="manager").is_staff
    assert str(User.objects.get(username="manager")) == "张伟"


def test_the_same_seed_gives_the_same_data_and_another_seed_different_data():
    seed("--seed", "7")
    first = snapshot()
    assert all(first[-1]), "every relationship table has rows"
    seed("--seed", "7", "--reset")
    assert snapshot() == first
    seed("--seed", "8", "--reset")
    second = snapshot()
    assert second != first
    assert second[-1][1] != first[-1][1], "other stakeholders"


def test_it_respects_the_category_mix_and_gives_every_key_account_an_owner():
    seed()

    assert Account.objects.count() == SMALL
    assert Account.objects.filter(category=Category.KEY).count() == 3
    assert not Account.objects.filter(category=Category.KEY, owner=None).exists()
    assert not Account.objects.filter(tier=None).exists()
    names = Account.objects.values_list("name", flat=True)
    assert any(not name.isascii() for name in names)


def test_transactions_are_valid_and_never_in_the_future():
    seed()
    today = timezone.localdate()

    assert Transaction.objects.exists()
    assert not Transaction.objects.filter(date__gt=today).exists()
    assert not Transaction.objects.filter(paid_on__gt=today).exists()
    assert not Transaction.objects.filter(account__category=Category.TARGET).exists()
    assert not Complaint.objects.filter(opened_on__gt=today).exists()
    resolved = Complaint.objects.filter(status=ComplaintStatus.RESOLVED)
    assert not resolved.filter(Q(resolved_on=None) | Q(resolution="")).exists()


def test_demo_managers_own_accounts_and_share_one_with_each_other():
    seed()
    manager = User.objects.get(username="manager")
    manager2 = User.objects.get(username="manager2")

    assert Account.objects.filter(owner=manager, category=Category.KEY).exists()
    assert Account.objects.filter(owner=manager2).exists()
    assert AccountTeamMember.objects.filter(user=manager2, account__owner=manager).exists()
    assert AccountTeamMember.objects.filter(user=manager, account__owner=manager2).exists()
    assert visible_accounts(manager).count() < Account.objects.count()


def test_demo_managers_key_accounts_show_how_they_became_key_accounts():
    seed()
    account = Account.objects.filter(owner__username="manager", category=Category.KEY).first()

    created, promoted = account.history.order_by("history_date")
    assert (created.history_type, created.category) == ("+", Category.NORMAL)
    assert (promoted.history_type, promoted.category) == ("~", Category.KEY)
    assert promoted.history_user.username == "director"


def test_if_empty_leaves_existing_data_alone():
    existing = AccountFactory(name="Existing customer")

    output = seed("--if-empty")

    assert "already has accounts" in output
    assert list(Account.objects.all()) == [existing]
    assert not User.objects.filter(username="director").exists()


def test_if_empty_loads_an_empty_database():
    seed("--if-empty")

    assert Account.objects.count() == SMALL


def test_it_refuses_a_second_run_without_reset():
    seed()
    before = snapshot()

    with pytest.raises(CommandError, match="--reset"):
        seed()

    assert snapshot() == before


def test_reset_replaces_the_data():
    seed()
    seed("--reset", "--seed", "3")

    assert Account.objects.count() == SMALL
    assert User.objects.filter(username="manager").count() == 1
    assert not Stakeholder.objects.exclude(account__in=Account.objects.all()).exists()
    assert not Stakeholder.history.exclude(account_id__in=Account.objects.values("pk")).exists()


def test_it_reports_what_it_loaded():
    output = seed()

    assert "relationships:" in output
    assert "stakeholders" in output and "stage changes" in output


# --- Only on a demo site, and never wiping real users ---------------------------------------------


def test_it_refuses_to_run_outside_demo_mode_and_debug(settings):
    settings.KAM_DEMO_MODE = settings.DEBUG = False

    with pytest.raises(CommandError, match="KAM_DEMO_MODE=1"):
        seed()
    with pytest.raises(CommandError, match="KAM_DEMO_MODE=1"):
        seed("--if-empty")

    assert not Account.objects.exists()
    assert not User.objects.filter(username="admin").exists()


@pytest.mark.parametrize(("demo_mode", "debug"), [(True, False), (False, True)])
def test_demo_mode_or_debug_is_enough(settings, demo_mode, debug):
    settings.KAM_DEMO_MODE, settings.DEBUG = demo_mode, debug

    seed("--if-empty")

    assert Account.objects.count() == SMALL


def test_reset_refuses_a_database_with_users_the_demo_did_not_create():
    seed()
    real = User.objects.create_user("li.ming", password="their own password")
    before = snapshot()

    with pytest.raises(CommandError, match=r"users the demo did not create \(1: li\.ming\)"):
        seed("--reset")

    assert snapshot() == before
    assert User.objects.get(pk=real.pk).check_password("their own password")
    assert User.objects.filter(username="admin").exists()


def test_reset_runs_on_a_database_of_demo_users_only():
    seed()
    seed("--reset", "--seed", "4")

    assert Account.objects.count() == SMALL


def test_on_postgresql_it_ends_with_analyze():
    out = seed()

    assert ("analyzed the tables" in out) == (connection.vendor == "postgresql")


def test_the_loader_gives_each_row_its_id_and_links_rows_saved_together():
    """accounts.demo.loading.insert (COPY on PostgreSQL) leaves the objects as bulk_create does:
    with their ids, and a foreign key to an object inserted before it pointing at that row."""
    account = AccountFactory()
    people = insert(Stakeholder, [Stakeholder(account=account, name=f"P{n}") for n in range(3)])
    reports = insert(Stakeholder, [Stakeholder(account=account, name="R", reports_to=people[0])])

    assert all(person.pk for person in people + reports)
    assert Stakeholder.objects.get(pk=reports[0].pk).reports_to_id == people[0].pk
    # The ids came from the table's sequence: a row the ORM saves next does not collide.
    later = Stakeholder.objects.create(account=account, name="Later")
    assert later.pk not in {person.pk for person in people + reports}
    assert Stakeholder.objects.filter(account=account).count() == 5


def test_the_loader_updates_rows_and_bumps_their_version():
    account = AccountFactory()
    person = Stakeholder.objects.create(account=account, name="P")
    row = Coverage.objects.create(stakeholder=person, user=account.owner, strength=2)
    day = timezone.localdate()

    update(Coverage, ["last_contact"], [(row.pk, day)], bump="row_version")

    row.refresh_from_db()
    assert (row.last_contact, row.row_version) == (day, 2)
