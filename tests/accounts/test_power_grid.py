"""The power grid: the pure placement, and the page that draws it."""

import itertools

import pytest
from django.urls import reverse

from accounts.models import Attitude, StakeholderStatus
from accounts.stakeholders.charts import (
    CELL_WIDTH,
    LINE_HEIGHT,
    GridPerson,
    Quadrant,
    grid_layout,
    label_fits,
    quadrant,
)
from tests.factories import StakeholderFactory


def boxes_overlap(a, b) -> bool:
    al, at, ar, ab = a.box
    bl, bt, br, bb = b.box
    return not (ar <= bl or br <= al or ab <= bt or bb <= at)


def test_people_in_the_same_cell_are_spread_so_labels_do_not_overlap():
    people = [GridPerson(pk, 5, 5) for pk in range(1, 8)] + [
        GridPerson(20, 5, 4),
        GridPerson(21, 1, 1),
        GridPerson(22, 3, 2),
    ]
    layout = grid_layout(people)

    assert set(layout.markers) == {p.id for p in people}
    for a, b in itertools.combinations(layout.markers.values(), 2):
        assert not boxes_overlap(a, b), (a, b)
    # Everyone stays inside their own cell, and the row grew to hold the seven.
    cells = {(c.influence, c.involvement): c for c in layout.cells}
    for marker in layout.markers.values():
        cell = cells[(marker.influence, marker.involvement)]
        left, top, right, bottom = marker.box
        assert cell.x <= left and right <= cell.x + cell.width
        assert cell.y <= top and bottom <= cell.y + cell.height
    assert cells[(5, 5)].height >= 7 * LINE_HEIGHT
    assert cells[(5, 1)].height == cells[(5, 5)].height  # a row is one height


def test_influence_runs_up_and_involvement_runs_right():
    layout = grid_layout([GridPerson(1, 5, 1), GridPerson(2, 1, 5)])
    high, low = layout.markers[1], layout.markers[2]
    assert high.y < low.y  # more influence is higher up
    assert low.x - high.x == 4 * CELL_WIDTH
    assert len(layout.cells) == 25


def test_out_of_range_values_are_kept_on_the_grid():
    layout = grid_layout([GridPerson(1, 9, 0)])
    assert (layout.markers[1].influence, layout.markers[1].involvement) == (5, 1)


@pytest.mark.parametrize(
    ("influence", "involvement", "expected"),
    [
        (5, 5, Quadrant.MANAGE_CLOSELY),
        (4, 1, Quadrant.KEEP_SATISFIED),
        (2, 4, Quadrant.KEEP_INFORMED),
        (3, 3, Quadrant.MONITOR),
    ],
)
def test_each_cell_belongs_to_a_quadrant(influence, involvement, expected):
    assert quadrant(influence, involvement) == expected


def test_long_labels_are_shortened_and_chinese_counts_double():
    assert label_fits("Zhang Wei", 120) == "Zhang Wei"
    assert label_fits("A very long name indeed for a grid", 60).endswith("…")
    assert len(label_fits("欧阳娜娜娜娜娜娜娜娜", 66)) <= 5


@pytest.mark.django_db
def test_the_power_grid_places_active_people_and_links_each_to_their_card(
    client_for, owner, account
):
    decider = StakeholderFactory(
        account=account, name="Liu Yang", influence=5, involvement=4, attitude=Attitude.OPPONENT
    )
    user = StakeholderFactory(account=account, name="Ma Rui", influence=2, involvement=5)
    gone = StakeholderFactory(
        account=account, name="Sun Li", status=StakeholderStatus.LEFT, left_on="2026-01-05"
    )

    response = client_for(owner).get(reverse("accounts:stakeholder_power_grid", args=[account.pk]))
    html = response.content.decode()

    assert response.status_code == 200
    assert 'data-testid="power-grid"' in html and 'role="group"' in html
    assert f'data-stakeholder-id="{decider.pk}" data-attitude="opponent"' in html
    assert "influence 5, involvement 4 · Opponent</title>" in html  # the colour, in words
    assert 'data-influence="5" data-involvement="4"' in html
    assert f'data-stakeholder-id="{user.pk}"' in html
    assert f'data-stakeholder-id="{gone.pk}"' not in html
    url = reverse("accounts:stakeholder_detail", args=[account.pk, decider.pk])
    assert f'href="{url}"' in html
    for label in ("Manage closely", "Keep satisfied", "Keep informed", "Monitor"):
        assert label in html
