"""Each map-warning rule and the map quality status, on small hand-made snapshots (no database)."""

from datetime import date, timedelta

import pytest

from accounts.coverage import rules
from accounts.coverage.rules import Link, MapSnapshot, Person

TODAY = date(2026, 6, 30)
ZHANG, LI = 1, 2


def person(id, role="influencer", **fields):
    return Person(id=id, name=fields.pop("name", f"Person {id}"), buying_role=role, **fields)


def link(stakeholder_id, user_id=ZHANG, strength=2, last_contact=TODAY - timedelta(days=7)):
    name = {ZHANG: "张伟", LI: "李娜"}[user_id]
    return Link(stakeholder_id, user_id, name, strength, last_contact)


def snapshot(people=(), links=(), last_change=TODAY):
    return MapSnapshot(
        today=TODAY, people=tuple(people), links=tuple(links), last_change=last_change
    )


def healthy(**overrides):
    """A map no rule objects to: a supportive decision maker and a coach, covered by two people."""
    values = {
        "people": [person(1, "decision_maker", name="刘洋"), person(2, "coach", name="陈静")],
        "links": [link(1, ZHANG), link(2, LI)],
    }
    values.update(overrides)
    return snapshot(**values)


def test_a_healthy_map_is_green():
    report = rules.evaluate(healthy())
    assert report.status == "green"
    assert report.warnings == []
    assert {check.code for check in report.checked_rules} == set(rules.RULES)
    assert all(check.passed for check in report.checked_rules)


# --- empty map ----------------------------------------------------------------------------------


def test_a_map_without_stakeholders_is_red_for_that_reason_alone():
    report = rules.evaluate(snapshot(last_change=None))
    assert report.status == "red"
    assert report.codes == {"empty_map"}
    assert "No stakeholders" in report.warnings[0].reason


def test_a_map_whose_people_all_left_is_empty():
    gone = person(1, status="left", left_on=TODAY - timedelta(days=400))
    warning = rules.empty_map(snapshot([gone]))
    assert warning is not None
    assert "left the company" in warning.reason


# --- single-threaded ----------------------------------------------------------------------------


def test_one_person_holding_every_relationship_is_single_threaded():
    warning = rules.single_threaded(healthy(links=[link(1, ZHANG), link(2, ZHANG)]))
    assert warning.code == "single_threaded"
    assert warning.severity == "red"
    assert warning.reason == "Only 张伟 knows anyone at this account."


def test_two_people_with_relationships_are_not_single_threaded():
    assert rules.single_threaded(healthy()) is None


def test_coverage_of_strength_zero_does_not_count():
    links = [link(1, ZHANG), link(2, LI, strength=0)]
    warning = rules.single_threaded(healthy(links=links))
    assert warning is not None
    assert "张伟" in warning.reason


def test_nobody_knowing_anyone_is_single_threaded_too():
    warning = rules.single_threaded(healthy(links=[]))
    assert "Nobody on our team" in warning.reason


def test_coverage_of_someone_who_left_does_not_count():
    people = [person(1, "decision_maker"), person(2, "coach", status="left", left_on=TODAY)]
    assert rules.single_threaded(healthy(people=people)) is not None


# --- decision maker opposed ---------------------------------------------------------------------


def test_an_opposed_decision_maker_is_named():
    people = [person(1, "decision_maker", name="刘洋", attitude="opponent"), person(2, "coach")]
    warning = rules.decision_maker_opposed(healthy(people=people))
    assert warning.severity == "red"
    assert "刘洋" in warning.reason


def test_a_left_decision_maker_does_not_count_as_opposed():
    people = [
        person(1, "decision_maker"),
        person(2, "coach"),
        person(3, "decision_maker", attitude="opponent", status="left", left_on=TODAY),
    ]
    assert rules.decision_maker_opposed(healthy(people=people)) is None


def test_an_opposed_influencer_is_not_a_decision_maker_opposed():
    people = [person(1, "decision_maker"), person(2, "coach"), person(3, attitude="opponent")]
    assert rules.decision_maker_opposed(healthy(people=people)) is None


# --- no coach -----------------------------------------------------------------------------------


def test_no_active_coach_is_amber():
    people = [person(1, "decision_maker"), person(2, "coach", status="left", left_on=None)]
    warning = rules.no_coach(healthy(people=people))
    assert warning.severity == "amber"


def test_an_active_coach_satisfies_the_rule():
    assert rules.no_coach(healthy()) is None


# --- decision maker never contacted -------------------------------------------------------------


def test_a_decision_maker_nobody_contacted_is_named():
    links = [link(1, ZHANG, last_contact=None), link(2, LI)]
    warning = rules.decision_maker_never_contacted(healthy(links=links))
    assert warning.severity == "amber"
    assert "刘洋" in warning.reason


def test_any_last_contact_counts_as_contacted():
    links = [link(1, ZHANG, last_contact=None), link(1, LI, strength=0), link(2, LI)]
    assert rules.decision_maker_never_contacted(healthy(links=links)) is None


def test_a_left_decision_maker_never_contacted_is_not_flagged():
    people = [person(1, "decision_maker", status="left", left_on=TODAY - timedelta(days=500))]
    people.append(person(2, "coach"))
    assert rules.decision_maker_never_contacted(healthy(people=people, links=[])) is None


# --- key stakeholder left -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "influence"),
    [("decision_maker", 3), ("coach", 2), ("user", 4), ("gatekeeper", 5)],
)
def test_a_key_stakeholder_who_left_recently_is_named_with_the_date(role, influence):
    gone = person(
        3, role, name="王芳", influence=influence, status="left", left_on=date(2026, 5, 1)
    )
    warning = rules.key_stakeholder_left(healthy(people=[*healthy().people, gone]))
    assert warning.severity == "red"
    assert "王芳" in warning.reason
    assert "May 1, 2026" in warning.reason


def test_an_ordinary_stakeholder_who_left_is_not_key():
    gone = person(3, "user", influence=3, status="left", left_on=TODAY)
    assert rules.key_stakeholder_left(healthy(people=[*healthy().people, gone])) is None


def test_a_key_stakeholder_who_left_more_than_180_days_ago_is_old_news():
    on_the_edge = person(3, "decision_maker", status="left", left_on=TODAY - timedelta(days=180))
    long_ago = person(4, "decision_maker", status="left", left_on=TODAY - timedelta(days=181))
    warning = rules.key_stakeholder_left(healthy(people=[*healthy().people, on_the_edge, long_ago]))
    assert "Person 3" in warning.reason
    assert "Person 4" not in warning.reason


def test_a_key_stakeholder_who_left_on_an_unknown_date_is_flagged():
    gone = person(3, "coach", status="left", left_on=None)
    warning = rules.key_stakeholder_left(healthy(people=[*healthy().people, gone]))
    assert "date unknown" in warning.reason


# --- stale map ----------------------------------------------------------------------------------


def test_a_map_unchanged_for_exactly_90_days_is_stale():
    warning = rules.stale_map(healthy(last_change=TODAY - timedelta(days=90)))
    assert warning.severity == "amber"
    assert "90 days" in warning.reason


def test_a_map_changed_89_days_ago_is_not_stale():
    assert rules.stale_map(healthy(last_change=TODAY - timedelta(days=89))) is None


def test_a_map_with_no_known_change_is_not_called_stale():
    assert rules.stale_map(healthy(last_change=None)) is None


# --- status -------------------------------------------------------------------------------------


def test_only_amber_warnings_make_the_map_amber():
    report = rules.evaluate(
        healthy(people=[person(1, "decision_maker")], links=[link(1), link(1, LI)])
    )
    assert report.codes == {"no_coach"}
    assert report.status == "amber"


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("empty_map", "red"),
        ("single_threaded", "red"),
        ("decision_maker_opposed", "red"),
        ("key_stakeholder_left", "red"),
        ("no_coach", "amber"),
        ("decision_maker_never_contacted", "amber"),
        ("stale_map", "amber"),
    ],
)
def test_each_rule_has_its_severity(code, status):
    warning = rules.MapWarning(code, "title", "reason", rules.RULE_SEVERITY[code])
    assert rules.status_of([warning]) == status


def test_red_beats_amber():
    report = rules.evaluate(
        healthy(links=[link(1), link(2)], last_change=TODAY - timedelta(days=200))
    )
    assert report.codes == {"single_threaded", "stale_map"}
    assert report.status == "red"
    assert [w.code for w in report.warnings] == ["single_threaded", "stale_map"]


def test_checked_rules_say_which_failed():
    report = rules.evaluate(healthy(links=[link(1), link(2)]))
    failed = {check.code for check in report.checked_rules if not check.passed}
    assert failed == {"single_threaded"}
