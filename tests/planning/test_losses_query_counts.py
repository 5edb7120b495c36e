"""The loss record pages and the snapshot itself make the same number of queries whatever the size
of the map."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planning.losses import services
from planning.losses.snapshot import build_snapshot
from planning.models.losses import LossRecord
from tests.factories import (
    AccountFactory,
    ActionFactory,
    CoverageFactory,
    ObjectiveFactory,
    PlanFactory,
    StakeholderFactory,
)

pytestmark = pytest.mark.django_db

MAX_QUERIES = 10


def fill(account, count):
    people = StakeholderFactory.create_batch(count, account=account)
    for person in people[1:]:
        person.reports_to = people[0]
        person.save(update_fields=["reports_to"])
    for person in people[: count // 2]:
        CoverageFactory(stakeholder=person)
    plan = PlanFactory(account=account)
    for _ in range(3):
        ActionFactory(objective=ObjectiveFactory(plan=plan))


def count_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_building_the_snapshot_does_not_grow_with_the_map(owner):
    counts = []
    for size in (5, 60):
        account = AccountFactory(owner=owner)
        fill(account, size)
        with CaptureQueriesContext(connection) as captured:
            snapshot = build_snapshot(account)
        assert len(snapshot["stakeholders"]) == size
        counts.append(len(captured))
    assert counts[0] == counts[1], f"{counts[0]} queries with 5 people, {counts[1]} with 60"
    assert counts[1] <= 10


def test_the_detail_page_does_not_grow_with_the_snapshot(client_for, owner):
    counts = []
    for size in (5, 200):
        account = AccountFactory(owner=owner)
        fill(account, size)
        account.refresh_from_db()
        record = services.account_mark_lost(
            actor=owner, account=account, expected_version=account.row_version, reason="price"
        )
        url = reverse("planning:loss_record_detail", args=[account.pk, record.pk])
        counts.append(count_queries(client_for(owner), url))
    assert counts[0] == counts[1], f"{counts[0]} queries with 5 people, {counts[1]} with 200"
    assert counts[1] <= MAX_QUERIES


def test_the_records_list_does_not_grow_with_records(client_for, owner):
    counts = []
    for size in (1, 30):
        account = AccountFactory(owner=owner)
        for _ in range(size):
            LossRecord.objects.create(account=account, reason="price", recorded_by=owner)
        counts.append(
            count_queries(client_for(owner), reverse("planning:loss_records", args=[account.pk]))
        )
    assert counts[0] == counts[1]
    assert counts[1] <= MAX_QUERIES
