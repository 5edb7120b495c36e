"""The health pages read a fixed number of queries, however many snapshots, accounts, surveys or
runs there are."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from scoring.models import AccountHealth, HealthRun, HealthSnapshot
from scoring.models.health import RunStatus, RunTrigger
from tests.factories import (
    AccountFactory,
    completed_survey,
    shipped_risk_model,
    tier,
)

pytestmark = pytest.mark.django_db

# Tab: the user, the account and its team (2), the health row, the surveys part (3), the policy,
# the health panel (health + 90 days of snapshots, shared with the trend), the run, the header's
# figures. Overview: the user, the summary cards (which count the rows for the paginator too), the
# page's ids, the page's rows, the tier choices (+ the account managers for directors). Runs: the
# user and the runs with who asked and for which account.
# Runs: also the recalculations saved in the outbox, waiting for the broker, and (the full page,
# not its polled part) the count of outgoing mail in trouble. Each page also reads
# its session from the database (sessions are not cached, so Redis being down signs nobody out).
SESSION = 1 + 1  # the session, and the top bar's unread-notification count
MAX_QUERIES = {
    "tab": 11 + SESSION,
    "overview": 6 + SESSION,
    "overview_director": 7 + SESSION,
    "runs": 4 + SESSION,
}

FACTORS = [
    {"code": "contact_recency", "points": 11, "weight": 20, "days": 63, "cadence": 30},
    {"code": "single_threaded", "points": 8, "weight": 8, "people": 0},
]


def count_queries(client, url):
    client.get(url)  # warm the session and role caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def calculated(account, snapshots: int, surveys: int):
    today = timezone.localdate()
    AccountHealth.objects.create(
        account=account,
        risk_score=19,
        risk_level="low",
        factors=FACTORS,
        as_of=today,
        calculated_at=timezone.now(),
    )
    HealthSnapshot.objects.bulk_create(
        HealthSnapshot(account=account, day=today - timedelta(days=n), risk_score=n % 40,
                       risk_level="low", satisfaction_index=50 + n % 30)
        for n in range(snapshots)
    )  # fmt: skip
    for n in range(surveys):
        completed_survey(
            account, {"quality": (5, 1 + n % 5)}, answered_on=today - timedelta(days=n)
        )
    HealthRun.objects.create(
        trigger=RunTrigger.NIGHTLY,
        as_of=today,
        status=RunStatus.FINISHED,
        started_at=timezone.now() - timedelta(minutes=1),
    )


def test_the_health_tab_does_not_grow_with_snapshots_or_surveys(client_for, owner):
    shipped_risk_model()
    small = AccountFactory(owner=owner, tier=tier("gold"))
    large = AccountFactory(owner=owner, tier=tier("gold"))
    calculated(small, snapshots=2, surveys=1)
    calculated(large, snapshots=90, surveys=25)
    client = client_for(owner)
    few = count_queries(client, reverse("scoring:health", args=[small.pk]))
    many = count_queries(client, reverse("scoring:health", args=[large.pk]))
    assert few == many, f"{few} queries with 2 snapshots, {many} with 90"
    assert many <= MAX_QUERIES["tab"], many


def accounts_with_health(owner, count):
    today = timezone.localdate()
    accounts = Account.objects.bulk_create(
        Account(name=f"Acc {n:03d}", industry="manufacturing", region="east", owner=owner,
                tier=tier("iron"))
        for n in range(count)
    )  # fmt: skip
    AccountHealth.objects.bulk_create(
        AccountHealth(account=a, risk_score=n % 70, risk_level="medium", factors=FACTORS,
                      as_of=today, calculated_at=timezone.now())
        for n, a in enumerate(accounts)
    )  # fmt: skip
    HealthSnapshot.objects.bulk_create(
        HealthSnapshot(account=a, day=today - timedelta(days=8), risk_score=n % 50,
                       risk_level="medium")
        for n, a in enumerate(accounts)
    )  # fmt: skip


@pytest.mark.parametrize(
    ("persona", "bound"), [("owner", "overview"), ("director", "overview_director")]
)
@pytest.mark.parametrize("filtered", [False, True])
def test_the_overview_does_not_grow_with_accounts(
    client_for, request, owner, persona, bound, filtered
):
    shipped_risk_model()
    client = client_for(request.getfixturevalue(persona))
    url = reverse("scoring:health_overview")
    if filtered:
        url += f"?sort=change&level=medium&region=east&tier={tier('iron').pk}&page=1"
    accounts_with_health(owner, 5)
    few = count_queries(client, url)
    accounts_with_health(owner, 195)
    many = count_queries(client, url)
    assert few == many, f"{few} queries with 5 accounts, {many} with 200"
    assert many <= MAX_QUERIES[bound], many


@pytest.mark.parametrize(
    ("persona", "name", "bound"),
    [
        ("owner", "scoring:health_model", 3 + SESSION),
        # Admins are also told whether a run followed the last change of the model.
        ("admin_user", "scoring:health_model", 4 + SESSION),
        ("admin_user", "scoring:health_model_edit", 3 + SESSION),
    ],
)
def test_the_model_pages_are_a_fixed_number_of_queries(client_for, request, persona, name, bound):
    shipped_risk_model()
    client = client_for(request.getfixturevalue(persona))
    assert count_queries(client, reverse(name)) <= bound


@pytest.mark.parametrize("partial", ["", "?partial=runs"])
def test_the_runs_page_does_not_grow_with_runs(client_for, admin_user, partial):
    account = AccountFactory()
    url = reverse("scoring:health_runs") + partial
    client = client_for(admin_user)

    def runs(count):
        HealthRun.objects.bulk_create(
            HealthRun(trigger=RunTrigger.ADMIN, requested_by=admin_user, account=account,
                      as_of=timezone.localdate(), status=RunStatus.FINISHED,
                      finished_at=timezone.now())
            for _ in range(count)
        )  # fmt: skip

    runs(3)
    few = count_queries(client, url)
    runs(60)
    many = count_queries(client, url)
    assert few == many, f"{few} queries with 3 runs, {many} with 63"
    assert many <= MAX_QUERIES["runs"], many
