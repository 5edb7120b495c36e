"""Recording why an account was lost: the service, the form, the frozen snapshot, and the asks from
the account edit form and the relationship stage change."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.lifecycle import loss_record_url, loss_recorder_url, needs_loss_record
from accounts.models import Account, Category, StageChange
from planning.losses import services
from planning.losses.queries import readable_snapshot
from planning.losses.snapshot import build_snapshot
from planning.models.losses import LossRecord
from tests.access_checks import assert_field_error
from tests.factories import (
    ActionFactory,
    ComplaintFactory,
    CoverageFactory,
    ObjectiveFactory,
    OpportunityFactory,
    PlanFactory,
    PrivateNoteFactory,
    StakeholderFactory,
    TransactionFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def create_url(account):
    return reverse("planning:loss_record_create", args=[account.pk])


def version_of(account):
    """The account's version as a freshly opened loss form carries it."""
    return Account.objects.get(pk=account.pk).row_version


def nothing_saved(account):
    def snapshot():
        account.refresh_from_db()
        return account.category, LossRecord.objects.count()

    return snapshot


def edit_data(account, **changes):
    data = {
        "name": account.name,
        "industry": account.industry,
        "region": account.region,
        "category": account.category,
        "owner": account.owner_id,
        "row_version": account.row_version,
    }
    data.update(changes)
    return data


@pytest.fixture
def mapped(account, owner):
    """An account with a map (one person with private notes), coverage, a plan, figures, an
    open opportunity and an open complaint."""
    boss = StakeholderFactory(account=account, name="Wang Wei", title="CEO", influence=5)
    buyer = StakeholderFactory(
        account=account, name="Li Na", reports_to=boss, attitude="supporter", buying_role="user"
    )
    PrivateNoteFactory(stakeholder=buyer, hometown="Secret Hometown", notes="Secret note")
    CoverageFactory(stakeholder=buyer, user=owner, strength=3)
    objective = ObjectiveFactory(plan=PlanFactory(account=account), title="Win line 2")
    ActionFactory(objective=objective, description="Visit the plant")
    TransactionFactory(account=account, amount="12345.00")
    OpportunityFactory(account=account, name="Line 3 retrofit")
    ComplaintFactory(account=account, title="Late delivery")
    return account


def test_marking_lost_stores_the_record_and_sets_the_category_in_the_history(owner, mapped):
    review = TODAY + timedelta(days=30)
    record = services.account_mark_lost(
        actor=owner,
        account=mapped,
        expected_version=mapped.row_version,
        reason="competitor",
        notes=" Went with a rival. ",
        win_back_plan="Stay close to Li Na.",
        review_on=review,
    )
    mapped.refresh_from_db()
    assert mapped.category == Category.LOST
    assert mapped.history.first().category == Category.LOST
    assert mapped.history.first().history_user == owner
    assert record.recorded_by == owner
    assert record.notes == "Went with a rival."
    assert record.review_on == review
    assert record.snapshot["account"]["category"] == Category.NORMAL


def test_a_key_account_can_be_lost(owner, account):
    Account.objects.filter(pk=account.pk).update(category=Category.KEY)
    account.refresh_from_db()
    services.account_mark_lost(
        actor=owner, account=account, expected_version=account.row_version, reason="price"
    )
    account.refresh_from_db()
    assert account.category == Category.LOST


def test_the_snapshot_holds_the_account_as_it_was(owner, mapped):
    snapshot = build_snapshot(mapped)
    json.dumps(snapshot)  # plain JSON
    assert Decimal(snapshot["figures"]["revenue_12m"]) == Decimal("12345")
    assert snapshot["relationship"] == {"stage": "pre_kam", "target": mapped.target_stage}
    people = {p["name"]: p for p in snapshot["stakeholders"]}
    assert people["Li Na"]["reports_to"] == "Wang Wei"
    assert people["Li Na"]["attitude"] == "supporter"
    assert snapshot["coverage"][0]["stakeholder"] == "Li Na"
    assert snapshot["coverage"][0]["strength"] == 3
    assert snapshot["plan"]["objectives"][0]["title"] == "Win line 2"
    assert snapshot["plan"]["objectives"][0]["actions"][0]["description"] == "Visit the plant"
    assert [o["name"] for o in snapshot["opportunities"]] == ["Line 3 retrofit"]
    assert [c["title"] for c in snapshot["complaints"]] == ["Late delivery"]


def test_the_snapshot_never_contains_private_notes(owner, mapped):
    record = services.account_mark_lost(
        actor=owner, account=mapped, expected_version=mapped.row_version, reason="price"
    )
    text = json.dumps(LossRecord.objects.get(pk=record.pk).snapshot)
    assert "Secret" not in text
    assert "hometown" not in text


def test_the_snapshot_stays_unchanged_after_the_map_is_edited(client_for, owner, mapped):
    record = services.account_mark_lost(
        actor=owner, account=mapped, expected_version=mapped.row_version, reason="price"
    )
    before = LossRecord.objects.get(pk=record.pk).snapshot
    mapped.stakeholders.filter(name="Li Na").update(attitude="opponent", title="Director")
    mapped.stakeholders.filter(name="Wang Wei").delete()
    assert LossRecord.objects.get(pk=record.pk).snapshot == before
    page = client_for(owner).get(
        reverse("planning:loss_record_detail", args=[mapped.pk, record.pk])
    )
    html = page.content.decode()
    assert "Wang Wei" in html
    assert "Supporter" in html
    assert "Secret" not in html


def test_the_form_records_the_loss_and_shows_the_frozen_snapshot(client_for, owner, mapped):
    client = client_for(owner)
    assert client.get(create_url(mapped)).status_code == 200
    response = client.post(
        create_url(mapped),
        {
            "reason": "price",
            "notes": "Cheaper offer",
            "win_back_plan": "Wait",
            "review_on": "",
            "row_version": version_of(mapped),
        },
        follow=True,
    )
    record = LossRecord.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "planning:loss_record_detail", args=[mapped.pk, record.pk]
    )
    html = response.content.decode()
    assert "marked lost" in html
    assert 'data-testid="snapshot-stakeholders"' in html
    assert "Cheaper offer" in html


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"reason": "", "notes": "x"}, "reason"),
        ({"reason": "not-a-reason"}, "reason"),
        ({"reason": "price", "review_on": (TODAY - timedelta(days=1)).isoformat()}, "review_on"),
        ({"reason": "price", "review_on": "not-a-date"}, "review_on"),
    ],
)
def test_bad_loss_input_is_a_field_error_and_saves_nothing(client_for, owner, account, data, field):
    assert_field_error(
        client_for(owner),
        create_url(account),
        {**data, "row_version": version_of(account)},
        field,
        unchanged=nothing_saved(account),
    )


def test_the_service_validates_on_its_own(owner, account):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.account_mark_lost(
            actor=owner,
            account=account,
            expected_version=account.row_version,
            reason="nope",
            review_on=TODAY - timedelta(days=3),
        )
    assert set(error.value.error_dict) == {"reason", "review_on"}
    assert nothing_saved(account)() == (Category.NORMAL, 0)


def test_setting_lost_in_the_edit_form_asks_for_the_record(client_for, owner, account):
    response = client_for(owner).post(
        reverse("accounts:edit", args=[account.pk]),
        edit_data(account, category="lost", name="Renamed Co."),
        follow=True,
    )
    assert response.redirect_chain[0][0] == create_url(account)
    assert "was lost to finish" in response.content.decode()
    account.refresh_from_db()
    assert account.name == "Renamed Co."  # the other changes are saved
    assert account.category == Category.NORMAL  # the category waits for the record
    assert LossRecord.objects.count() == 0


def test_editing_an_account_that_is_already_lost_saves_normally(client_for, owner, account):
    services.account_mark_lost(
        actor=owner, account=account, expected_version=account.row_version, reason="price"
    )
    account.refresh_from_db()
    response = client_for(owner).post(
        reverse("accounts:edit", args=[account.pk]), edit_data(account, name="Still lost")
    )
    assert response.status_code == 302
    assert response["Location"] == account.get_absolute_url()
    account.refresh_from_db()
    assert account.name == "Still lost"


def test_moving_to_uncoupling_suggests_a_loss_record(client_for, owner, account):
    client = client_for(owner)
    response = client.post(
        reverse("accounts:stage_change", args=[account.pk]),
        {
            "to_stage": "uncoupling",
            "target_stage": "",
            "rationale": "They stopped ordering.",
            "row_version": version_of(account),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == create_url(account)
    account.refresh_from_db()
    assert account.relationship_stage == "uncoupling"
    assert account.category == Category.NORMAL  # only suggested: skippable
    response = client.post(
        reverse("accounts:stage_change", args=[account.pk]),
        {
            "to_stage": "early",
            "target_stage": "",
            "rationale": "Back.",
            "row_version": version_of(account),
        },
    )
    assert response["Location"] == reverse("accounts:relationship", args=[account.pk])


def test_planning_registers_the_recorder(account):
    assert loss_recorder_url(account) == create_url(account)


@pytest.mark.parametrize(
    ("category_from", "category_to", "stages", "needed"),
    [
        (Category.NORMAL, Category.LOST, None, True),
        (Category.KEY, Category.LOST, None, True),
        (Category.LOST, Category.LOST, None, False),
        (Category.NORMAL, Category.KEY, None, False),
        (Category.NORMAL, None, None, False),
        (Category.NORMAL, None, ("mid", "uncoupling"), True),
        (Category.LOST, None, ("mid", "uncoupling"), False),
        (Category.NORMAL, None, ("uncoupling", "uncoupling"), False),
        (Category.NORMAL, None, ("uncoupling", "early"), False),
    ],
)
def test_one_rule_decides_when_a_loss_record_is_needed(
    account, category_from, category_to, stages, needed
):
    change = StageChange(from_stage=stages[0], to_stage=stages[1]) if stages else None
    assert (
        needs_loss_record(category_from=category_from, category_to=category_to, stage_change=change)
        is needed
    )
    url = loss_record_url(
        account, category_from=category_from, category_to=category_to, stage_change=change
    )
    assert url == (create_url(account) if needed else None)


def test_the_overview_of_a_lost_account_links_to_the_loss_records(client_for, owner, account):
    client = client_for(owner)
    detail = reverse("accounts:detail", args=[account.pk])
    assert 'data-testid="overview-lost-banner"' not in client.get(detail).content.decode()
    Account.objects.filter(pk=account.pk).update(category=Category.LOST)
    html = client.get(detail).content.decode()
    assert 'data-testid="overview-lost-banner"' in html
    assert reverse("planning:loss_records", args=[account.pk]) in html
    records = client.get(reverse("planning:loss_records", args=[account.pk])).content.decode()
    assert "nobody has recorded why yet" in records


def test_the_records_page_lists_newest_first_and_links_the_latest(client_for, owner, account):
    old = services.account_mark_lost(
        actor=owner, account=account, expected_version=account.row_version, reason="price"
    )
    LossRecord.objects.filter(pk=old.pk).update(recorded_at=timezone.now() - timedelta(days=40))
    new = services.account_mark_lost(
        actor=owner, account=account, expected_version=account.row_version, reason="competitor"
    )
    response = client_for(owner).get(reverse("planning:loss_records", args=[account.pk]))
    assert [r.pk for r in response.context["records"]] == [new.pk, old.pk]
    html = response.content.decode()
    assert reverse("planning:loss_record_detail", args=[account.pk, new.pk]) in html
    assert 'data-testid="latest-loss-record"' in html


def test_an_old_or_odd_snapshot_still_renders():
    readable = readable_snapshot({"stakeholders": [{"name": "X", "buying_role": "gone"}]})
    assert readable.stakeholders[0]["buying_role_label"] == "gone"
    assert readable_snapshot(None).plan is None
