"""The org chart: the pure tree layout, and the page that draws it."""

import itertools

import pytest
from django.urls import reverse

from accounts.models import Attitude, BuyingRole, StakeholderStatus
from accounts.stakeholders.charts import BOX_HEIGHT, BOX_WIDTH, TreeItem, tree_layout
from tests.factories import AccountFactory, StakeholderFactory


def overlaps(a, b) -> bool:
    return not (a.x + a.width <= b.x or b.x + b.width <= a.x or a.bottom <= b.y or b.bottom <= a.y)


def test_it_lays_out_two_roots_three_deep_without_overlaps():
    # Root 1 → 2, 3; 2 → 4, 5; 5 → 6.   Root 10 → 11 → 12.
    items = [
        TreeItem(1, None),
        TreeItem(2, 1),
        TreeItem(3, 1),
        TreeItem(4, 2),
        TreeItem(5, 2),
        TreeItem(6, 5),
        TreeItem(10, None),
        TreeItem(11, 10),
        TreeItem(12, 11),
    ]
    layout = tree_layout(items)

    assert layout.roots == [1, 10]
    depths = {pk: box.depth for pk, box in layout.boxes.items()}
    assert depths == {1: 0, 2: 1, 3: 1, 4: 2, 5: 2, 6: 3, 10: 0, 11: 1, 12: 2}
    for a, b in itertools.combinations(layout.boxes.values(), 2):
        assert not overlaps(a, b), (a, b)
    # Each level sits below its manager, and a manager is centred over their reports.
    boxes = layout.boxes
    assert boxes[2].y > boxes[1].y and boxes[6].y > boxes[5].y
    assert boxes[1].center_x == (boxes[2].center_x + boxes[3].center_x) / 2
    assert boxes[2].center_x == (boxes[4].center_x + boxes[5].center_x) / 2
    # The second tree is entirely to the right of the first.
    first_tree = [boxes[pk] for pk in (1, 2, 3, 4, 5, 6)]
    assert min(boxes[pk].x for pk in (10, 11, 12)) > max(b.x + b.width for b in first_tree)
    # Everything fits in the drawing.
    assert all(b.x >= 0 and b.x + b.width <= layout.width for b in boxes.values())
    assert all(b.bottom <= layout.height for b in boxes.values())
    assert layout.height >= 4 * BOX_HEIGHT
    # One link per reporting line, from the manager's bottom to the report's top.
    assert {(link.parent_id, link.child_id) for link in layout.links} == {
        (1, 2), (1, 3), (2, 4), (2, 5), (5, 6), (10, 11), (11, 12)
    }  # fmt: skip
    link = next(link for link in layout.links if link.child_id == 6)
    assert link.path.startswith(f"M{boxes[5].center_x:g} {boxes[5].bottom:g}")
    assert link.path.endswith(f"V{boxes[6].y:g}")


def test_a_manager_outside_the_list_makes_a_root_and_a_loop_does_not_hang():
    layout = tree_layout([TreeItem(1, 99), TreeItem(2, 3), TreeItem(3, 2), TreeItem(4, 4)])
    assert set(layout.boxes) == {1, 2, 3, 4}
    assert 1 in layout.roots and 4 in layout.roots


def test_it_grows_sideways_for_a_hundred_people():
    items = [TreeItem(1, None)] + [TreeItem(n, 1 + (n - 2) // 10) for n in range(2, 101)]
    layout = tree_layout(items)
    assert len(layout.boxes) == 100
    assert layout.width > 40 * BOX_WIDTH
    for a, b in itertools.combinations(layout.boxes.values(), 2):
        assert not overlaps(a, b)


def test_an_empty_account_has_an_empty_layout():
    layout = tree_layout([])
    assert layout.boxes == {} and layout.width == 0


@pytest.mark.django_db
def test_the_org_chart_draws_every_person_coloured_and_linked_to_their_card(
    client_for, owner, account
):
    boss = StakeholderFactory(
        account=account,
        name="Liu Yang",
        title="CEO",
        buying_role=BuyingRole.DECISION_MAKER,
        attitude=Attitude.SUPPORTER,
    )
    cto = StakeholderFactory(
        account=account, name="Gao Feng", reports_to=boss, attitude=Attitude.OPPONENT
    )
    gone = StakeholderFactory(
        account=account,
        name="Sun Li",
        reports_to=boss,
        status=StakeholderStatus.LEFT,
        left_on="2026-01-05",
    )
    report = StakeholderFactory(account=account, name="He Ping", reports_to=gone)
    StakeholderFactory(name="Elsewhere Person")  # another account

    response = client_for(owner).get(reverse("accounts:stakeholder_org_chart", args=[account.pk]))
    html = response.content.decode()

    assert response.status_code == 200
    assert 'role="group"' in html and '<title id="org-chart-title">' in html
    nodes = {node.pk: node for node in response.context["chart"].nodes}
    assert set(nodes) == {boss.pk, cto.pk, gone.pk, report.pk}
    assert "Elsewhere Person" not in html
    for person in (boss, cto, gone, report):
        assert f'data-stakeholder-id="{person.pk}"' in html
        url = reverse("accounts:stakeholder_detail", args=[account.pk, person.pk])
        assert f'href="{url}"' in html
    assert 'data-attitude="supporter"' in html and 'data-attitude="opponent"' in html
    assert 'data-role="decision_maker"' in html and ">DM</text>" in html
    # The person who left is muted, and their report keeps the line to them.
    assert nodes[gone.pk].has_left and "kam-node-left" in html
    assert f'data-from="{gone.pk}" data-to="{report.pk}"' in html
    # Legends for colours and role tags.
    assert "Supporter" in html and "Decision maker" in html and "Left the company" in html
    # Each box's link names what the colour and the lines show, for a screen reader.
    assert (
        "<title>Gao Feng, Purchasing manager — Influencer · Opponent · reports to Liu Yang" in html
    )


@pytest.mark.django_db
def test_an_account_without_people_gets_a_helpful_empty_chart(client_for, owner):
    account = AccountFactory(owner=owner)
    response = client_for(owner).get(reverse("accounts:stakeholder_org_chart", args=[account.pk]))
    assert response.status_code == 200
    assert b"No one to chart yet." in response.content
