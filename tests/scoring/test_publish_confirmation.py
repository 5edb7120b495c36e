"""Issue 17, defect 6: publishing the selection criteria is confirmed on a page of its own that
names every account changing quadrant (not only those entering or leaving the key-account
quadrant), and asks what changed and why; the note stays with the version in the list of
versions. Admins only; the page's queries do not grow with the accounts that move."""

from decimal import Decimal

import pytest
from django.urls import reverse

from scoring.criteria import services
from scoring.models import CriteriaSet, SetKind, SetStatus
from tests.factories import AccountFactory, score, shipped_criteria_set, uniform_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(admin_user, owner):
    v1 = shipped_criteria_set()
    # 40/40 is opportunistic under 50/50 and develop once attractiveness is high from 35.
    score(AccountFactory(name="Drifting Co", owner=owner), uniform_values(v1, 4, 4))
    score(AccountFactory(name="Steady Co", owner=owner), uniform_values(v1, 8, 8))
    new = services.criteria_draft_start(kind=SetKind.ACCOUNT, actor=admin_user)[0]
    services.criteria_set_update(
        criteria_set=new,
        actor=admin_user,
        expected_version=new.row_version,
        fields={"attractiveness_threshold": Decimal(35)},
    )
    return CriteriaSet.objects.get(pk=new.pk)


def publish_url(draft):
    return reverse("scoring:criteria_publish", args=[draft.pk])


def test_the_publish_button_opens_a_confirmation_and_publishes_nothing(
    client_for, admin_user, draft
):
    client = client_for(admin_user)
    for page in ("scoring:criteria_detail", "scoring:criteria_preview"):
        html = client.get(reverse(page, args=[draft.pk])).content.decode()
        assert f'href="{publish_url(draft)}" data-testid="set-publish"' in html
    response = client.get(publish_url(draft))
    assert response.status_code == 200
    assert 'data-testid="publish-form"' in response.content.decode()
    assert CriteriaSet.objects.get(pk=draft.pk).status == SetStatus.DRAFT


def test_every_account_that_changes_quadrant_is_named(client_for, admin_user, draft):
    client = client_for(admin_user)
    for page in (publish_url(draft), reverse("scoring:criteria_preview", args=[draft.pk])):
        response = client.get(page)
        preview = response.context["preview"]
        assert preview.changed_quadrant == 1
        assert preview.entering_total == preview.leaving_total == 0
        assert [move.name for move in preview.others] == ["Drifting Co"]
        html = response.content.decode()
        assert 'data-testid="others"' in html and ">Drifting Co</a>" in html
        assert ">Steady Co</a>" not in html


def test_publishing_without_a_note_is_refused_next_to_the_field(client_for, admin_user, draft):
    CriteriaSet.objects.filter(pk=draft.pk).update(change_note="")
    draft.refresh_from_db()
    response = client_for(admin_user).post(
        publish_url(draft), {"row_version": draft.row_version, "change_note": "   "}
    )
    assert response.status_code == 200
    assert "change_note" in response.context["form"].errors
    assert 'id="error_1_id_change_note"' in response.content.decode()
    assert CriteriaSet.objects.get(pk=draft.pk).status == SetStatus.DRAFT
    # The service holds the rule whatever sent the data.
    with pytest.raises(services.ValidationError):
        services.criteria_set_publish(
            criteria_set=draft,
            actor=admin_user,
            expected_version=draft.row_version,
            change_note="",
        )


def test_the_note_is_kept_with_the_published_version_and_listed(client_for, admin_user, draft):
    client = client_for(admin_user)
    note = "Attractiveness counts as high from 35: more accounts to develop."
    response = client.post(
        publish_url(draft), {"row_version": draft.row_version, "change_note": note}
    )
    assert response.status_code == 302
    published = CriteriaSet.objects.get(pk=draft.pk)
    assert (published.status, published.change_note) == (SetStatus.PUBLISHED, note)
    assert published.history.first().change_note == note
    assert note in client.get(reverse("scoring:criteria_list")).content.decode()


@pytest.mark.parametrize("persona", ["owner", "director"])
def test_only_admins_open_the_confirmation(client_for, request, persona, draft):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(publish_url(draft)).status_code == 403


def test_the_confirmation_caps_the_named_accounts_and_its_queries(
    client_for, admin_user, draft, owner, django_assert_max_num_queries
):
    client = client_for(admin_user)
    with django_assert_max_num_queries(30) as few:
        client.get(publish_url(draft))
    v1 = CriteriaSet.objects.get(kind=SetKind.ACCOUNT, status=SetStatus.PUBLISHED)
    for n in range(60):
        score(AccountFactory(name=f"Drifter {n:02d}", owner=owner), uniform_values(v1, 4, 4))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(publish_url(draft))
    preview = response.context["preview"]
    assert preview.others_total == 61
    assert len(preview.others) == 50 and preview.others_more == 11
    assert "…and 11 more." in response.content.decode()
