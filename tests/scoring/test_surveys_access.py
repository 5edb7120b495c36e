"""DESIGN.md §3 on every survey URL: anyone who sees the account reads its surveys; its team and
admins record, send, withdraw and delete (a director: 403, nothing changes); a manager outside
the team gets 404 everywhere under the account; only admins edit the indicators; the private
link needs no login."""

import pytest
from django.urls import reverse

from scoring.models import Survey, SurveyAnswer, SurveyIndicator, SurveyStatus
from scoring.surveys import services
from tests.access_checks import assert_hidden_from, assert_refused, url_names
from tests.factories import StakeholderFactory, completed_survey

pytestmark = pytest.mark.django_db

NAMES = {
    "scoring:survey_create",
    "scoring:survey_send",
    "scoring:survey_detail",
    "scoring:survey_withdraw",
    "scoring:survey_delete",
    "scoring:survey_indicators",
    "scoring:survey_indicator_create",
    "scoring:survey_indicator_edit",
    "scoring:survey_indicator_delete",
    "scoring:survey_answer",
}


def test_every_survey_url_is_covered_by_these_tests():
    assert {n for n in url_names("scoring") if n.startswith("scoring:survey")} == NAMES


@pytest.fixture
def respondent(account):
    return StakeholderFactory(account=account)


@pytest.fixture
def done(account):
    return completed_survey(account, {"quality": (5, 4), "delivery": (3, 2), "courtesy": (1, 5)})


@pytest.fixture
def pending(account, respondent, owner):
    survey, _url = services.survey_send(
        account=account, respondent=respondent, language="en", days=7, sent_by=owner
    )
    return survey


def account_urls(account, done, pending):
    return {
        "create": reverse("scoring:survey_create", args=[account.pk]),
        "send": reverse("scoring:survey_send", args=[account.pk]),
        "detail": reverse("scoring:survey_detail", args=[account.pk, done.pk]),
        "pending": reverse("scoring:survey_detail", args=[account.pk, pending.pk]),
        "withdraw": reverse("scoring:survey_withdraw", args=[account.pk, pending.pk]),
        "delete": reverse("scoring:survey_delete", args=[account.pk, done.pk]),
    }


def snapshot():
    return (
        list(Survey.objects.values_list("pk", "status", "link_nonce").order_by("pk")),
        SurveyAnswer.objects.count(),
        list(SurveyIndicator.objects.values_list("pk", "code", "name", "is_active").order_by("pk")),
    )


def _record_data(respondent):
    data = {"respondent": respondent.pk, "answered_on": "2026-11-02", "comments": ""}
    for indicator in SurveyIndicator.objects.filter(code__in=["quality", "range", "delivery"]):
        data[f"imp_{indicator.pk}"] = "4"
        data[f"per_{indicator.pk}"] = "3"
    return data


def test_an_outsider_finds_nothing_under_the_account(client_for, outsider, account, done, pending):
    assert_hidden_from(client_for(outsider), account_urls(account, done, pending).values())


def test_an_outsider_posting_a_valid_survey_changes_nothing(
    client_for, outsider, account, done, pending, respondent
):
    before = snapshot()
    client = client_for(outsider)
    u = account_urls(account, done, pending)
    assert client.post(u["create"], _record_data(respondent)).status_code == 404
    assert client.post(u["withdraw"]).status_code == 404
    assert client.post(u["delete"]).status_code == 404
    assert snapshot() == before


def test_a_director_reads_but_does_not_write(
    client_for, director, account, done, pending, respondent
):
    client = client_for(director)
    u = account_urls(account, done, pending)
    for name in ("detail", "pending"):
        response = client.get(u[name])
        assert response.status_code == 200, name
        assert b'data-testid="survey-delete"' not in response.content
    assert b'data-testid="survey-withdraw"' not in client.get(u["pending"]).content
    for name in ("create", "send", "delete"):
        assert client.get(u[name]).status_code == 403, name
    assert_refused(
        client,
        {
            u["create"]: _record_data(respondent),
            u["send"]: {"respondent": respondent.pk, "language": "en", "expires_in": "7"},
            u["withdraw"]: {"row_version": pending.row_version},
            u["delete"]: {"row_version": done.row_version},
        },
        unchanged=snapshot,
    )


@pytest.mark.parametrize("persona", ["owner", "teammate", "admin_user"])
def test_the_team_and_admins_do_everything(
    client_for, request, persona, account, done, pending, respondent
):
    client = client_for(request.getfixturevalue(persona))
    u = account_urls(account, done, pending)
    for name in ("create", "send", "detail", "pending", "delete"):
        assert client.get(u[name]).status_code == 200, name
    assert client.post(u["create"], _record_data(respondent)).status_code == 302
    # Withdrawn first: a person has one open link at a time.
    assert client.post(u["withdraw"], {"row_version": pending.row_version}).status_code == 302
    pending.refresh_from_db()
    assert pending.status == SurveyStatus.WITHDRAWN
    assert (
        client.post(
            u["send"], {"respondent": respondent.pk, "language": "en", "expires_in": "7"}
        ).status_code
        == 302
    )
    assert client.post(u["delete"], {"row_version": done.row_version}).status_code == 302
    assert not Survey.objects.filter(pk=done.pk).exists()


def test_a_survey_under_the_wrong_account_is_not_found(client_for, owner, account, done):
    from tests.factories import AccountFactory

    mine_too = AccountFactory(owner=owner)
    client = client_for(owner)
    for name in ("scoring:survey_detail", "scoring:survey_delete", "scoring:survey_withdraw"):
        url = reverse(name, args=[mine_too.pk, done.pk])
        assert client.get(url).status_code in (404, 405), name
        assert client.post(url).status_code == 404, name
    assert Survey.objects.filter(pk=done.pk).exists()


def test_unknown_and_huge_ids_are_not_found(client_for, owner, admin_user, account):
    client = client_for(owner)
    for url in (
        reverse("scoring:survey_detail", args=[account.pk, 999999]),
        reverse("scoring:survey_detail", args=[account.pk, 2**70]),
        reverse("scoring:survey_create", args=[2**70]),
        f"/accounts/{account.pk}/surveys/abc/",
    ):
        assert client.get(url).status_code == 404, url
    admin = client_for(admin_user)
    assert admin.get(reverse("scoring:survey_indicator_edit", args=[2**70])).status_code == 404


# --- Indicators ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["owner", "outsider", "director", "admin_user"])
def test_every_role_reads_the_indicators(client_for, request, persona):
    response = client_for(request.getfixturevalue(persona)).get(
        reverse("scoring:survey_indicators")
    )
    assert response.status_code == 200
    assert response.content.count(b'data-testid="indicator"') == 12
    assert (b'data-testid="indicator-create"' in response.content) == (persona == "admin_user")
    assert (b'data-testid="indicator-edit"' in response.content) == (persona == "admin_user")


@pytest.mark.parametrize("persona", ["owner", "director"])
def test_only_admins_edit_indicators(client_for, request, persona):
    client = client_for(request.getfixturevalue(persona))
    quality = SurveyIndicator.objects.get(code="quality")
    unanswered = SurveyIndicator.objects.create(
        code="spare", group="product", name="Spare", name_zh_hans="备用"
    )
    create = reverse("scoring:survey_indicator_create")
    edit = reverse("scoring:survey_indicator_edit", args=[quality.pk])
    delete = reverse("scoring:survey_indicator_delete", args=[unanswered.pk])
    for url in (create, edit, delete):
        assert client.get(url).status_code == 403, url
    assert_refused(
        client,
        {
            create: {
                "code": "x",
                "group": "product",
                "name": "X",
                "name_zh_hans": "X",
                "position": 1,
            },
            delete: {"row_version": unanswered.row_version},
            edit: {
                "row_version": quality.row_version,
                "code": "quality",
                "group": "product",
                "name": "Q",
                "name_zh_hans": "Q",
                "position": 1,
            },
        },
        unchanged=snapshot,
    )


def test_an_admin_edits_indicators(client_for, admin_user):
    client = client_for(admin_user)
    quality = SurveyIndicator.objects.get(code="quality")
    assert client.get(reverse("scoring:survey_indicator_create")).status_code == 200
    assert (
        client.get(reverse("scoring:survey_indicator_edit", args=[quality.pk])).status_code == 200
    )
    delete = reverse("scoring:survey_indicator_delete", args=[quality.pk])
    assert client.get(delete).status_code == 200


# --- The private link -------------------------------------------------------------------------


def test_the_private_link_needs_no_login(client, pending):
    url = services.link_url(pending)
    assert client.get(url).status_code == 200


def test_signed_in_users_of_other_accounts_follow_the_link_like_anyone(
    client_for, outsider, pending
):
    # The token is the permission: the link works for whoever holds it, signed in or not.
    assert client_for(outsider).get(services.link_url(pending)).status_code == 200
