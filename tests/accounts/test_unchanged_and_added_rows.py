"""Issue 17, defects 7 and 8: reassigning an account to its current manager says nothing
changed (and changes nothing); "Add a need" shows one more row with everything typed kept and
no error on any row or field."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import Account, Stakeholder

pytestmark = pytest.mark.django_db


def test_reassigning_to_the_current_manager_says_nothing_changed(client_for, director, account):
    version = account.row_version
    response = client_for(director).post(
        reverse("accounts:team", args=[account.pk]),
        {"action": "owner", "owner": account.owner_id, "row_version": version},
    )
    assert response.status_code == 302
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said == [f"{account.owner} is the account manager already: nothing changed."]
    assert Account.objects.get(pk=account.pk).row_version == version


def test_add_a_need_keeps_what_was_typed_and_shows_no_errors(client_for, owner, account):
    data = {
        "name": "",  # not typed yet: no "required" before Save
        "title": "CIO",
        "needs-TOTAL_FORMS": "1",
        "needs-INITIAL_FORMS": "0",
        "needs-0-description": "Cut downtime",
        "needs-0-scope": "personal",
        "needs-0-openness": "private",
        "needs-0-expression": "implied",
        "add_need": "1",
    }
    response = client_for(owner).post(
        reverse("accounts:stakeholder_create", args=[account.pk]), data
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "This field is required." not in html and "is-invalid" not in html
    needs = response.context["needs"]
    assert needs.total_form_count() == 2
    assert needs.forms[0]["description"].value() == "Cut downtime"
    assert needs.forms[0]["scope"].value() == "personal"
    assert needs.forms[1]["scope"].value() == "company"  # the new row on its defaults
    assert response.context["form"]["title"].value() == "CIO"
    assert not Stakeholder.objects.exists()
