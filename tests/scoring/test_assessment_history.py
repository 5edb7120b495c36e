"""Each scoring of an account is kept on the account's History tab: who, when, under which
criteria version, and how the indices and the quadrant moved."""

from django.urls import reverse

from tests.factories import score, shipped_criteria_set, uniform_values


def test_the_history_tab_lists_each_scoring_with_what_moved(client_for, owner, account):
    criteria_set = shipped_criteria_set()
    score(account, uniform_values(criteria_set, 8, 8))
    score(account, uniform_values(criteria_set, 3, 8))

    response = client_for(owner).get(reverse("accounts:history", args=[account.pk]))

    entries = [e for e in response.context["entries"] if e.subject_kind == "Scores"]
    assert [e.action for e in entries] == ["scored", "scored"]
    latest, first = entries
    assert latest.who == owner
    assert str(criteria_set) == latest.subject
    changes = {change.label: (change.old, change.new) for change in latest.changes}
    assert changes == {
        "Attractiveness index": ("80.0", "30.0"),
        "Quadrant": ("Key quadrant", "Maintain"),
    }
    assert {change.label: change.new for change in first.changes} == {
        "Attractiveness index": "80.0",
        "Advantage index": "80.0",
        "Quadrant": "Key quadrant",
    }
    html = response.content.decode()
    assert "Maintain" in html and "Key quadrant" in html


def test_an_outsider_cannot_read_the_scores_history(client_for, outsider, account):
    score(account, uniform_values(shipped_criteria_set(), 8, 8))
    response = client_for(outsider).get(reverse("accounts:history", args=[account.pk]))
    assert response.status_code == 404
