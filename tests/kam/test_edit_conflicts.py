"""No silent overwrite, on any edit route (DESIGN.md §6): a form saved after someone else changed
the record writes nothing, says who changed it and when, and keeps what was typed; saving again
from there works. The routes come from the URL patterns, so a new edit route without a case in
its app's tests/<app>/conflict_cases.py fails here."""

import pytest
from django.contrib.messages import get_messages

from tests.access_checks import url_names
from tests.accounts import conflict_cases as accounts_cases
from tests.conflict_checks import Personas, form_data, page_form
from tests.planning import conflict_cases as planning_cases
from tests.scoring import conflict_cases as scoring_cases

pytestmark = pytest.mark.django_db

# planning's cases also cover its "my" namespace (My week, the calendar, notifications).
NAMESPACES = ("accounts", "planning", "my", "scoring")
MODULES = (accounts_cases, planning_cases, scoring_cases)
CASES = {name: build for cases in MODULES for name, build in cases.CASES.items()}
NOT_EDITS = {name: why for cases in MODULES for name, why in cases.NOT_EDITS.items()}
BASE = "http://testserver"


@pytest.fixture
def personas(owner, teammate, outsider, director, admin_user, account):
    return Personas(
        owner=owner,
        teammate=teammate,
        outsider=outsider,
        director=director,
        admin=admin_user,
        account=account,
    )


def test_every_route_is_a_conflict_case_or_says_why_it_needs_none():
    routes = set().union(*(url_names(namespace) for namespace in NAMESPACES))
    assert not set(CASES) & set(NOT_EDITS), "a route is both a case and not an edit"
    assert sorted(routes - set(CASES) - set(NOT_EDITS)) == [], "routes without a conflict case"
    assert sorted((set(CASES) | set(NOT_EDITS)) - routes) == [], "cases for routes that are gone"
    assert all(str(why).strip() for why in NOT_EDITS.values())


@pytest.mark.parametrize("route", sorted(CASES))
def test_a_stale_form_writes_nothing_says_who_and_keeps_the_input(route, personas, client_for):
    case = CASES[route](personas)
    client = client_for(case.editor)
    page = client.get(case.url)
    assert page.status_code == 200, f"GET {case.url} → {page.status_code}"
    action, form = page_form(page.content.decode(), BASE + case.url, case.action_suffix)
    data = form_data(form, case.edit)

    case.change()
    stored = case.stored()
    response = client.post(action, data)

    assert case.stored() == stored, f"{route}: the stale submit wrote"
    said = f"{case.changed_by} changed this"
    if case.in_place:
        assert response.status_code == 302, f"{route}: {response.status_code}"
        messages = [str(message) for message in get_messages(response.wsgi_request)]
        assert any(said in message for message in messages), messages
        return
    assert response.status_code == 200, f"{route}: {response.status_code}"
    html = response.content.decode()
    assert said in html
    assert "kam-conflict" in html, "the stored values are shown beside the typed ones"
    _, shown = page_form(html, BASE + case.url, case.action_suffix)
    kept = form_data(shown, {})
    for name, value in case.edit.items():
        expected = value if isinstance(value, list) else [value]
        assert kept.get(name) == expected, f"{route}: {name} lost what was typed"

    # Having seen both, A saves again: the form now carries the stored version and is accepted.
    again = client.post(action, kept)
    assert again.status_code == 302, (
        f"{route}: saving again after the conflict → {again.status_code}"
    )
    assert case.stored() != stored, f"{route}: saving again wrote nothing"
