"""Who may open the dashboard, its export and the lists behind its figures: every signed-in role,
each limited to the accounts it may see ("my portfolio" for a manager), nobody anonymous; the
pages only read; private stakeholder notes never appear in any of them."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Category
from scoring.health.runs import health_recalculate_all
from tests.access_checks import url_names
from tests.factories import (
    AccountFactory,
    PrivateNoteFactory,
    StakeholderFactory,
    TransactionFactory,
)

pytestmark = pytest.mark.django_db

NAMES = {"scoring:dashboard", "scoring:dashboard_export", "scoring:dashboard_accounts"}
PERSONAS = ["owner", "teammate", "outsider", "director", "admin_user"]
DRILL = reverse("scoring:dashboard_accounts")


def test_every_dashboard_route_is_covered():
    assert {name for name in url_names("scoring") if name.startswith("scoring:dashboard")} == NAMES


@pytest.mark.parametrize("name", sorted(NAMES))
def test_anonymous_visitors_are_sent_to_log_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("name", sorted(NAMES))
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_role_opens_the_page(request, client_for, account, name, persona):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", sorted(NAMES))
def test_the_pages_refuse_writes(client_for, director, name):
    assert client_for(director).post(reverse(name)).status_code == 405


@pytest.fixture
def two_portfolios(owner, outsider, account):
    """The owner's key account (the `account` fixture) and one of the outsider's, both with an
    exception so they show in the dashboard's tables."""
    account.category = Category.KEY
    account.save()
    theirs = AccountFactory(name="Huawei Cloud Ops", owner=outsider, category=Category.KEY)
    health_recalculate_all()
    return account, theirs


@pytest.mark.parametrize(
    "params",
    [{}, {"exception": "any"}, {"exception": "no_plan"}, {"stage": "pre_kam"}, {"top": "20"}],
)
def test_a_manager_never_sees_another_managers_account_in_the_list(
    client_for, owner, outsider, two_portfolios, params
):
    mine, theirs = two_portfolios
    response = client_for(outsider).get(DRILL, {**params, "owner": owner.pk})
    assert response.status_code == 200
    assert "owner" not in response.context["filter"].filters
    listed = {account.pk for account in response.context["rows"]}
    assert mine.pk not in listed
    assert theirs.pk in listed
    assert mine.name not in response.content.decode()


def test_a_director_may_narrow_the_list_to_one_manager(client_for, director, owner, two_portfolios):
    mine, theirs = two_portfolios
    everyone = client_for(director).get(DRILL)
    assert {mine.pk, theirs.pk} <= {account.pk for account in everyone.context["rows"]}
    response = client_for(director).get(DRILL, {"owner": owner.pk})
    assert {account.pk for account in response.context["rows"]} == {mine.pk}


@pytest.mark.parametrize("name", ["scoring:dashboard", "scoring:dashboard_accounts"])
def test_a_managers_pages_never_name_another_managers_account(
    client_for, owner, outsider, two_portfolios, name
):
    mine, theirs = two_portfolios
    html = client_for(outsider).get(reverse(name), {"owner": owner.pk}).content.decode()
    assert theirs.name in html
    assert mine.name not in html
    html = client_for(owner).get(reverse(name)).content.decode()
    assert mine.name in html
    assert theirs.name not in html


def _workbook_text(content: bytes) -> str:
    """Every part of the xlsx (a zip of XML files), decompressed."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "".join(
            archive.read(member).decode("utf-8", "replace") for member in archive.namelist()
        )


def test_a_managers_export_never_names_another_managers_account(
    client_for, owner, outsider, two_portfolios
):
    mine, theirs = two_portfolios
    response = client_for(outsider).get(reverse("scoring:dashboard_export"), {"owner": owner.pk})
    text = _workbook_text(response.content)
    assert theirs.name in text
    assert mine.name not in text


PRIVATE = {
    "hometown": "Xanadu-7731",
    "interests": "Falconry-7731 and opera",
    "family": "Twin sons-7731 at Tsinghua",
}


@pytest.mark.parametrize("persona", ["owner", "director", "admin_user"])
def test_private_stakeholder_notes_never_appear(request, client_for, two_portfolios, persona):
    mine, _ = two_portfolios
    stakeholder = StakeholderFactory(account=mine, name="Liu Yang")
    PrivateNoteFactory(stakeholder=stakeholder, **PRIVATE)
    client = client_for(request.getfixturevalue(persona))
    pages = [
        client.get(reverse("scoring:dashboard")).content.decode(),
        client.get(DRILL).content.decode(),
        client.get(DRILL, {"exception": "any"}).content.decode(),
    ]
    export = client.get(reverse("scoring:dashboard_export")).content
    pages.append(_workbook_text(export))
    assert mine.name in pages[1], "the account itself is listed"
    for text in pages:
        assert "7731" not in text  # the mark every private value carries
        for value in PRIVATE.values():
            assert value not in text


def test_each_managers_dashboard_counts_only_their_own_accounts(client_for, owner, outsider):
    for manager, revenue in ((owner, 700_000), (outsider, 250_000)):
        account = AccountFactory(owner=manager, category=Category.KEY)
        TransactionFactory(
            account=account, amount=Decimal(revenue), gross_margin=Decimal(revenue) / 5
        )
    AccountFactory(owner=outsider)  # a second account of the outsider's, without orders
    health_recalculate_all()

    mine = client_for(owner).get(reverse("scoring:dashboard")).context["data"].total
    theirs = client_for(outsider).get(reverse("scoring:dashboard")).context["data"].total

    assert (mine.accounts, mine.revenue, mine.key_accounts) == (1, Decimal(700_000), 1)
    assert (theirs.accounts, theirs.revenue, theirs.key_accounts) == (2, Decimal(250_000), 1)
