"""Django's admin shows the scoring configuration and its history, but changes none of it: the
product's own pages (with their checks) are the only way to edit criteria and tier rules."""

import pytest
from django.urls import reverse

from scoring.models import CriteriaSet, SetKind, SetStatus
from tests.factories import UserFactory


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_the_admin_lists_criteria_sets_and_their_history_read_only(client_for, superuser):
    published = CriteriaSet.objects.get(kind=SetKind.ACCOUNT, status=SetStatus.PUBLISHED)
    client = client_for(superuser)

    listing = client.get(reverse("admin:scoring_criteriaset_changelist"))
    history = client.get(reverse("admin:scoring_criteriaset_history", args=[published.pk]))
    change = client.get(reverse("admin:scoring_criteriaset_change", args=[published.pk]))

    assert listing.status_code == history.status_code == change.status_code == 200
    assert published.name in listing.content.decode()
    assert not change.context["has_change_permission"]
    assert (
        client.post(reverse("admin:scoring_criteriaset_delete", args=[published.pk])).status_code
        == 403
    )
    assert client.get(reverse("admin:scoring_tierrule_add")).status_code == 403
    assert CriteriaSet.objects.filter(pk=published.pk).exists()
