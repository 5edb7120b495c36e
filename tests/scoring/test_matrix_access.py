"""Who may open the portfolio pages: every signed-in role (each sees its own accounts, see
test_matrix / test_pareto), nobody anonymous; the pages only read."""

import pytest
from django.urls import reverse

from tests.access_checks import url_names

pytestmark = pytest.mark.django_db

NAMES = {"scoring:matrix", "scoring:pareto"}


def test_every_portfolio_route_is_covered():
    prefixes = ("scoring:matrix", "scoring:pareto")
    assert {name for name in url_names("scoring") if name.startswith(prefixes)} == NAMES


@pytest.mark.parametrize("name", sorted(NAMES))
def test_anonymous_visitors_are_sent_to_log_in(client, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("name", sorted(NAMES))
@pytest.mark.parametrize("persona", ["owner", "teammate", "outsider", "director", "admin_user"])
def test_every_role_opens_the_page(request, client_for, account, name, persona):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", sorted(NAMES))
def test_the_pages_refuse_writes(client_for, director, name):
    assert client_for(director).post(reverse(name)).status_code == 405
