"""The coverage matrix, editing a cell, and the map report read from the database."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.coverage import queries, services
from accounts.models import BuyingRole, Coverage, Stakeholder, StakeholderStatus, TeamRole
from tests.factories import (
    AccountFactory,
    CoverageFactory,
    StakeholderFactory,
    StakeholderNeedFactory,
    TeamMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MAX_PAGE_QUERIES = 12


def matrix_url(account):
    return reverse("accounts:coverage", args=[account.pk])


def edit_url(account, stakeholder, user):
    return reverse("accounts:coverage_edit", args=[account.pk, stakeholder.pk, user.pk])


def today():
    return timezone.localdate()


@pytest.fixture
def boss(account, owner):
    return StakeholderFactory(
        account=account, name="Liu Yang", buying_role=BuyingRole.DECISION_MAKER, influence=5
    )


# --- the page -----------------------------------------------------------------------------------


def test_it_shows_team_rows_and_active_stakeholder_columns(client_for, account, owner, teammate):
    sponsor = UserFactory(first_name="Hui", last_name="Sun")
    TeamMemberFactory(account=account, user=sponsor, role=TeamRole.EXECUTIVE_SPONSOR)
    boss = StakeholderFactory(account=account, name="Liu Yang", buying_role="decision_maker")
    StakeholderFactory(account=account, name="Gone Person", status=StakeholderStatus.LEFT)
    CoverageFactory(stakeholder=boss, user=owner, strength=3, last_contact=today())

    response = client_for(owner).get(matrix_url(account))

    assert response.status_code == 200
    matrix = response.context["matrix"]
    assert [row.seat.user for row in matrix.rows] == [owner, teammate, sponsor]
    assert [column.stakeholder.name for column in matrix.columns] == ["Liu Yang"]
    assert [row.total for row in matrix.rows] == [3, 0, 0]
    assert matrix.columns[0].total == 3
    html = response.content.decode()
    assert "Gone Person" not in html
    assert 'data-strength="3"' in html
    assert 'data-testid="coverage-cell-edit"' in html


def test_it_marks_stakeholders_nobody_covers(client_for, account, owner):
    StakeholderFactory(account=account, name="Lonely")
    response = client_for(owner).get(matrix_url(account))
    assert response.context["matrix"].columns[0].uncovered
    assert 'data-testid="uncovered"' in response.content.decode()


def test_it_shows_the_map_report_on_the_page(client_for, account, owner, boss):
    CoverageFactory(stakeholder=boss, user=owner)
    html = client_for(owner).get(matrix_url(account)).content.decode()
    assert 'data-testid="map-status"' in html
    assert 'data-rule="single_threaded"' in html
    assert "Only Wei Zhang knows anyone at this account." in html


def test_a_director_sees_the_matrix_without_edit_controls(
    client_for, account, owner, boss, director
):
    CoverageFactory(stakeholder=boss, user=owner)
    response = client_for(director).get(matrix_url(account))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="coverage-matrix"' in html
    assert 'data-testid="coverage-cell-edit"' not in html
    assert edit_url(account, boss, owner) not in html


def test_the_board_fragment_is_served_to_htmx(client_for, account, owner, boss):
    response = client_for(owner).get(
        matrix_url(account), headers={"HX-Request": "true", "HX-Target": "coverage-board"}
    )
    html = response.content.decode()
    assert 'id="coverage-board"' in html
    assert "<html" not in html


# --- editing a cell -----------------------------------------------------------------------------


def test_an_owner_sets_a_teammates_strength(client_for, account, owner, teammate, boss):
    day = today() - timedelta(days=3)
    response = client_for(owner).post(
        edit_url(account, boss, teammate),
        {"strength": "2", "last_contact": day.isoformat(), "row_version": "0"},
    )
    assert response.status_code == 302
    coverage = Coverage.objects.get(stakeholder=boss, user=teammate)
    assert (coverage.strength, coverage.last_contact) == (2, day)
    assert coverage.history.first().history_user == owner


def test_the_edit_form_opens_in_the_cell_for_htmx(client_for, account, owner, boss):
    response = client_for(owner).get(edit_url(account, boss, owner), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.strip().startswith("<td")
    assert 'data-testid="coverage-cell-form"' in html
    assert 'name="strength"' in html


def test_an_htmx_save_redraws_the_board(client_for, account, owner, teammate, boss):
    CoverageFactory(stakeholder=boss, user=owner)
    response = client_for(owner).post(
        edit_url(account, boss, teammate),
        {"strength": "1", "last_contact": "", "row_version": "0"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#coverage-board"
    html = response.content.decode()
    assert 'id="coverage-board"' in html
    assert 'data-rule="single_threaded"' not in html


def test_an_htmx_save_is_announced_in_the_pages_live_region(
    client_for, account, owner, teammate, boss
):
    page = client_for(owner).get(matrix_url(account)).content.decode()
    # The live region is outside the board (it must survive the board's redraw), empty at first.
    assert page.count('<div id="coverage-status"') == 1
    assert page.index('<div id="coverage-status"') < page.index('<div id="coverage-board"')
    assert 'role="status"' in page and "hx-swap-oob" not in page

    response = client_for(owner).post(
        edit_url(account, boss, teammate),
        {"strength": "2", "last_contact": "", "row_version": "0"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert (
        f'<div id="coverage-status" hx-swap-oob="innerHTML">Coverage of {boss.name} by Na Li '
        "saved.</div>"
    ) in html
    assert html.index('<div id="coverage-board"') < html.index('<div id="coverage-status"')
    # Redrawing the board without a save announces nothing.
    board = client_for(owner).get(
        matrix_url(account), headers={"HX-Request": "true", "HX-Target": "coverage-board"}
    )
    assert "coverage-status" not in board.content.decode()


def test_strength_zero_without_a_date_removes_the_row(client_for, account, owner, boss):
    coverage = CoverageFactory(stakeholder=boss, user=owner, strength=2)
    client_for(owner).post(
        edit_url(account, boss, owner),
        {"strength": "0", "last_contact": "", "row_version": coverage.row_version},
    )
    assert not Coverage.objects.filter(stakeholder=boss).exists()


def test_strength_zero_with_a_date_keeps_the_row(client_for, account, owner, boss):
    client_for(owner).post(
        edit_url(account, boss, owner),
        {"strength": "0", "last_contact": today().isoformat(), "row_version": "0"},
    )
    assert Coverage.objects.get(stakeholder=boss).strength == 0


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"strength": "5", "last_contact": ""}, "strength"),
        ({"strength": "-1", "last_contact": ""}, "strength"),
        ({"strength": "strong", "last_contact": ""}, "strength"),
        ({"strength": "", "last_contact": ""}, "strength"),
        ({"strength": "2", "last_contact": "tomorrow-ish"}, "last_contact"),
        ({"strength": "2", "last_contact": "2026-02-30"}, "last_contact"),
    ],
)
def test_bad_input_shows_a_field_error_and_saves_nothing(
    client_for, account, owner, boss, data, field
):
    response = client_for(owner).post(edit_url(account, boss, owner), data | {"row_version": "0"})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'class="invalid-feedback' in response.content.decode()
    assert not Coverage.objects.exists()


def test_a_future_last_contact_is_refused(client_for, account, owner, boss):
    future = today() + timedelta(days=1)
    response = client_for(owner).post(
        edit_url(account, boss, owner),
        {"strength": "2", "last_contact": future.isoformat(), "row_version": "0"},
    )
    assert "last_contact" in response.context["form"].errors
    assert not Coverage.objects.exists()


def test_htmx_bad_input_redraws_the_cell_form_with_the_error(client_for, account, owner, boss):
    response = client_for(owner).post(
        edit_url(account, boss, owner),
        {"strength": "9", "row_version": "0"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert html.strip().startswith("<td")
    assert "invalid-feedback" in html
    assert not Coverage.objects.exists()


def test_a_user_not_on_the_team_is_a_404(client_for, account, owner, boss, outsider):
    response = client_for(owner).post(
        edit_url(account, boss, outsider), {"strength": "2", "last_contact": "", "row_version": "0"}
    )
    assert response.status_code == 404
    assert not Coverage.objects.exists()


def test_the_service_refuses_a_user_not_on_the_team(account, owner, boss, outsider):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as raised:
        services.coverage_set(
            actor=owner,
            account=account,
            stakeholder=boss,
            user=outsider,
            expected_version=0,
            strength=2,
            last_contact=None,
        )
    assert "user" in raised.value.message_dict
    assert not Coverage.objects.exists()


def test_the_service_refuses_strength_out_of_range(account, owner, boss):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as raised:
        services.coverage_set(
            actor=owner,
            account=account,
            stakeholder=boss,
            user=owner,
            expected_version=0,
            strength=4,
            last_contact=None,
        )
    assert "strength" in raised.value.message_dict


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/{pk}/coverage/?page=abc&x=%00",
        "/accounts/{pk}/coverage/999999/1/",
        "/accounts/{pk}/coverage/1/999999/",
        "/accounts/{pk}/coverage/abc/1/",
    ],
)
def test_garbage_in_the_url_is_a_404_or_a_normal_page(client_for, account, owner, path):
    response = client_for(owner).get(path.format(pk=account.pk))
    assert response.status_code in (200, 404)


# --- the map report from the database ----------------------------------------------------------


def test_map_report_reads_the_database(account, owner, teammate, boss):
    coach = StakeholderFactory(account=account, buying_role=BuyingRole.COACH)
    CoverageFactory(stakeholder=boss, user=owner, strength=2)
    CoverageFactory(stakeholder=coach, user=teammate, strength=1)
    report = queries.map_report(account)
    assert report.status == "green", report.warnings


def test_coverage_by_someone_off_the_team_does_not_count(account, owner, outsider, boss):
    CoverageFactory(stakeholder=boss, user=owner, strength=2)
    CoverageFactory(stakeholder=boss, user=outsider, strength=3)
    assert "single_threaded" in queries.map_report(account).codes


def test_an_empty_map_is_red(account):
    report = queries.map_report(account)
    assert report.status == "red"
    assert report.codes == {"empty_map"}


def _age_the_map(account, days):
    moment = timezone.now() - timedelta(days=days)
    stakeholders = Stakeholder.objects.filter(account=account)
    stakeholders.update(updated_at=moment)
    Coverage.objects.filter(stakeholder__account=account).update(updated_at=moment)
    Stakeholder.history.filter(account_id=account.pk).update(history_date=moment)
    Coverage.history.filter(stakeholder_id__in=stakeholders.values("pk")).update(
        history_date=moment
    )
    Stakeholder.needs.rel.related_model.history.filter(
        stakeholder_id__in=stakeholders.values("pk")
    ).update(history_date=moment)


def test_a_map_untouched_for_90_days_is_stale(account, owner, boss):
    CoverageFactory(stakeholder=boss, user=owner)
    StakeholderNeedFactory(stakeholder=boss)
    _age_the_map(account, 95)
    warning = next(w for w in queries.map_report(account).warnings if w.code == "stale_map")
    assert "95 days" in warning.reason


def test_a_new_need_freshens_the_map(account, owner, boss):
    CoverageFactory(stakeholder=boss, user=owner)
    _age_the_map(account, 120)
    StakeholderNeedFactory(stakeholder=boss)
    assert "stale_map" not in queries.map_report(account).codes


# --- query counts -------------------------------------------------------------------------------


def _fill(account, stakeholders):
    members = [account.owner] + [TeamMemberFactory(account=account).user for _ in range(2)]
    for i in range(stakeholders):
        stakeholder = StakeholderFactory(
            account=account,
            buying_role=BuyingRole.DECISION_MAKER if i % 7 == 0 else BuyingRole.INFLUENCER,
            status=StakeholderStatus.LEFT if i % 9 == 8 else StakeholderStatus.ACTIVE,
            left_on=today() if i % 9 == 8 else None,
        )
        StakeholderNeedFactory(stakeholder=stakeholder)
        for user in members[: 1 + i % 3]:
            CoverageFactory(stakeholder=stakeholder, user=user, strength=1 + i % 3)


def test_the_matrix_page_does_not_grow_with_stakeholders(client_for, owner):
    small, large = AccountFactory(owner=owner), AccountFactory(owner=owner)
    _fill(small, 10)
    _fill(large, 100)
    client = client_for(owner)
    counts = []
    for account in (small, large):
        client.get(matrix_url(account))
        with CaptureQueriesContext(connection) as captured:
            response = client.get(matrix_url(account))
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
    assert counts[1] <= MAX_PAGE_QUERIES, counts


def test_map_report_does_not_grow_with_stakeholders(owner):
    small, large = AccountFactory(owner=owner), AccountFactory(owner=owner)
    _fill(small, 10)
    _fill(large, 100)
    counts = []
    for account in (small, large):
        with CaptureQueriesContext(connection) as captured:
            queries.map_report(account)
        counts.append(len(captured))
    assert counts[0] == counts[1] <= 2, counts


# --- the shared templates -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "label"),
    [("green", "Map quality: green"), ("amber", "Map quality: amber"), ("red", "Map quality: red")],
)
def test_the_status_badge_says_the_status_in_words(status, label):
    from django.template.loader import render_to_string

    from accounts.coverage.rules import MapReport

    html = render_to_string("accounts/coverage/_map_status.html", {"map_report": MapReport(status)})
    assert f'data-status="{status}"' in html
    assert 'data-testid="map-status"' in html
    assert label in html
    assert "aria-label=" in html
