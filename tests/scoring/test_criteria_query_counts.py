"""The criteria pages make the same number of queries whatever the number of versions,
criteria or scored accounts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scoring.criteria import services
from scoring.models import CriteriaSet, SetKind, SetStatus
from tests.factories import (
    AccountFactory,
    CriteriaSetFactory,
    CriterionFactory,
    score,
    shipped_criteria_set,
    uniform_values,
)

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    client.get(url)  # warm the session and lazily built settings
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.fixture
def draft(admin_user):
    shipped_criteria_set()
    return services.criteria_draft_start(kind=SetKind.ACCOUNT, actor=admin_user)[0]


def test_the_list_does_not_grow_with_versions(client_for, admin_user, director, draft):
    url = reverse("scoring:criteria_list")
    few = count_queries(client_for(admin_user), url)
    for version in range(10, 40):
        CriteriaSetFactory(
            version=version, status=SetStatus.ARCHIVED, published_by=admin_user, based_on=draft
        )
    many = count_queries(client_for(admin_user), url)
    assert few == many <= 5
    assert count_queries(client_for(director), url) == many


def test_the_detail_page_does_not_grow_with_criteria(client_for, admin_user, draft):
    url = reverse("scoring:criteria_detail", args=[draft.pk])
    few = count_queries(client_for(admin_user), url)
    CriterionFactory.create_batch(40, criteria_set=draft)
    many = count_queries(client_for(admin_user), url)
    assert few == many <= 9


def test_the_preview_does_not_grow_with_accounts(client_for, admin_user, owner, draft):
    published = CriteriaSet.objects.get(kind=SetKind.ACCOUNT, status=SetStatus.PUBLISHED)
    draft.attractiveness_threshold, draft.advantage_threshold = 70, 40
    draft.save()
    url = reverse("scoring:criteria_preview", args=[draft.pk])
    client = client_for(admin_user)
    # One account enters the key quadrant (80/40) and one leaves it (60/60): both lists drawn.
    for values in ((8, 4), (6, 6)):
        score(AccountFactory(owner=owner), uniform_values(published, *values))
    few = count_queries(client, url)
    for i in range(80):
        account = AccountFactory(owner=owner)
        if i % 5:
            score(account, uniform_values(published, (8, 6, 3)[i % 3], (4, 6, 9)[i % 3]))
    response = client.get(url)
    assert response.context["preview"].entering_total > 20
    assert response.context["preview"].unscored_accounts == 16
    many = count_queries(client, url)
    assert few == many <= 12
