"""Geometry of the survey charts, and the account's survey summary (issue 6 items 3 and 6)."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from scoring import engine
from scoring.surveys import charts, queries, services
from tests.factories import StakeholderFactory, SurveyFactory, completed_survey


def answer(key, importance, performance):
    label = key.title() if key.isascii() else key
    return SimpleNamespace(key=key, label=label, importance=importance, performance=performance)


def test_the_ip_chart_places_one_dot_per_answer_on_the_1_to_5_scales():
    chart = charts.importance_performance_chart(
        [answer("a", 1, 1), answer("b", 5, 5), answer("c", 5, 1), answer("d", 2, 4)]
    )
    left, top, size = charts.IP_LEFT, charts.IP_TOP, charts.IP_PLOT
    step = size / 5  # the axes run from 0.5 to 5.5: half a step of margin round 1–5
    dots = {d.key: d for d in chart.dots}
    assert (dots["a"].x, dots["a"].y) == (left + step / 2, top + size - step / 2)  # bottom left
    assert (dots["b"].x, dots["b"].y) == (left + size - step / 2, top + step / 2)  # top right
    assert (dots["c"].x, dots["c"].y) == (left + size - step / 2, top + size - step / 2)
    assert (dots["d"].x, dots["d"].y) == (left + 1.5 * step, top + 1.5 * step)
    assert [x for _tick, x in chart.x_ticks] == [left + (k + 0.5) * step for k in range(5)]
    # The crosshair sits at 3 on both scales.
    assert (chart.mid_x, chart.mid_y) == (left + size / 2, top + size / 2)
    assert {d.key: d.quadrant for d in chart.dots} == {
        "a": engine.LOW_PRIORITY,
        "b": engine.KEEP_UP,
        "c": engine.CONCENTRATE,
        "d": engine.OVERKILL,
    }
    assert dots["c"].gap == -4


def test_the_quadrant_regions_match_the_engine():
    chart = charts.importance_performance_chart([])
    regions = {r.key: r for r in chart.regions}
    # Importance to the right, performance up: concentrate = important and performing poorly.
    concentrate = regions[engine.CONCENTRATE]
    assert concentrate.x == chart.mid_x and concentrate.y == chart.mid_y
    assert concentrate.x + concentrate.width == chart.right
    keep_up = regions[engine.KEEP_UP]
    assert keep_up.x == chart.mid_x and keep_up.y == chart.top
    assert str(regions[engine.OVERKILL].label) == "Possible overkill"


def test_dots_sharing_a_point_sit_on_it_each_with_its_own_label():
    chart = charts.importance_performance_chart(
        [answer("a", 4, 4), answer("b", 4, 4), answer("c", 4, 4), answer("d", 2, 2)]
    )
    step = charts.IP_PLOT / 5
    centre = (charts.IP_LEFT + 3.5 * step, charts.IP_TOP + 1.5 * step)
    assert {(d.x, d.y) for d in chart.dots if d.key in "abc"} == {centre}
    alone = next(d for d in chart.dots if d.key == "d")
    assert (alone.x, alone.y) == (charts.IP_LEFT + 1.5 * step, charts.IP_TOP + 3.5 * step)
    assert len({(d.label_x, d.label_y) for d in chart.dots}) == 4


def assert_labels_clear(chart):
    """No label box overlaps another label, a dot or a quadrant name, and each stays in the plot;
    a label away from its dot has a leader line from the dot to it."""
    boxes = [d.box for d in chart.dots]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not charts._overlaps(a, b), (a, b)
    clearance = charts.DOT_CLEARANCE
    for dot in chart.dots:
        left, top, right, bottom = dot.box
        assert chart.left <= left and right <= chart.right, dot
        assert chart.top <= top and bottom <= chart.bottom, dot
        for other in chart.dots:
            ring = (other.x - clearance, other.y - clearance, other.x + clearance)
            assert not charts._overlaps(dot.box, (*ring, other.y + clearance)), (dot, other)
        near = charts._distance(dot.x, dot.y, dot.box) <= charts.LEADER_FROM
        assert (dot.leader is None) == near, dot
        if dot.leader:
            x1, y1, x2, y2 = dot.leader
            assert ((x1 - dot.x) ** 2 + (y1 - dot.y) ** 2) ** 0.5 == pytest.approx(
                charts.DOT_RADIUS
            )
            assert charts._distance(x2, y2, dot.box) == pytest.approx(0)
    for region in chart.regions:
        width = charts.label_width(region.label) * 1.1
        start = region.label_x - width if region.anchor == "end" else region.label_x
        name = (start, region.label_y - 12, start + width, region.label_y + 2)
        assert not any(charts._overlaps(name, box) for box in boxes), region


def test_labels_do_not_overlap_each_other_when_there_is_room():
    answers = [
        answer("Features", 3, 5),
        answer("Delivery", 4, 5),
        answer("Courtesy", 3, 3),
        answer("Ease of access", 3, 3),
        answer("Problem resolution", 2, 4),
        answer("Reliability", 3, 4),
    ]
    chart = charts.importance_performance_chart(answers)
    assert_labels_clear(chart)
    assert all(d.leader is None for d in chart.dots)  # room beside each dot


SHIPPED_NAMES = [
    "Value for price",
    "Quality",
    "Features",
    "Reliability",
    "Range",
    "Delivery",
    "Complaint handling",
    "Problem resolution",
    "Courtesy",
    "Communication",
    "Ease of access",
    "Reputation",
]
SHIPPED_NAMES_ZH = [
    "性价比",
    "质量",
    "功能",
    "可靠性",
    "产品范围",
    "交付",
    "投诉处理",
    "问题解决",
    "礼貌",
    "沟通",
    "易于联系",
    "声誉",
]


@pytest.mark.parametrize("names", [SHIPPED_NAMES, SHIPPED_NAMES_ZH], ids=["en", "zh"])
@pytest.mark.parametrize(
    "points",
    [
        [(4, 4)] * 6 + [(5, 5)] * 4 + [(4, 5), (5, 4)],  # most answers alike
        [(5, 5)] * 12,  # every indicator at one corner
        [(3, 3)] * 12,  # every indicator on the crosshair
        [
            (1, 1),
            (1, 2),
            (2, 1),
            (2, 2),
            (1, 1),
            (2, 2),
            (5, 1),
            (5, 2),
            (4, 1),
            (5, 1),
            (1, 5),
            (1, 5),
        ],
    ],
    ids=["clustered", "one-corner", "crosshair", "edges"],
)
def test_no_label_overlaps_on_a_crowded_chart(names, points):
    answers = [
        answer(name, importance, performance)
        for name, (importance, performance) in zip(names, points, strict=True)
    ]
    chart = charts.importance_performance_chart(answers)

    step = charts.IP_PLOT / 5
    for dot, (importance, performance) in zip(chart.dots, points, strict=True):
        assert dot.x == charts.IP_LEFT + (importance - 0.5) * step  # where the answer puts it
        assert dot.y == charts.IP_TOP + charts.IP_PLOT - (performance - 0.5) * step
    assert_labels_clear(chart)


def test_the_label_layout_is_the_same_for_the_same_answers():
    answers = [answer(name, 4, 4) for name in SHIPPED_NAMES]
    first = charts.importance_performance_chart(answers)
    again = charts.importance_performance_chart(answers)
    assert [(d.label_x, d.label_y, d.anchor) for d in first.dots] == [
        (d.label_x, d.label_y, d.anchor) for d in again.dots
    ]


def test_the_trend_runs_in_time_proportion_oldest_first():
    surveys = [
        SimpleNamespace(pk=1, answered_on=dt.date(2026, 1, 1), satisfaction_index=Decimal("50")),
        SimpleNamespace(pk=2, answered_on=dt.date(2026, 1, 11), satisfaction_index=Decimal("100")),
        SimpleNamespace(pk=3, answered_on=dt.date(2026, 2, 10), satisfaction_index=Decimal("0")),
    ]
    chart = charts.trend_chart(surveys)
    xs = [p.x for p in chart.points]
    assert xs[0] == chart.left and xs[-1] == chart.right
    assert xs[1] == pytest.approx(chart.left + (chart.right - chart.left) * 10 / 40)
    assert [p.y for p in chart.points] == [
        (chart.top + chart.bottom) / 2,
        chart.top,
        chart.bottom,
    ]
    assert chart.polyline.count(",") == 3
    assert [anchor for _day, _x, anchor in chart.x_labels] == ["start", "middle", "end"]


def test_a_single_survey_sits_in_the_middle():
    chart = charts.trend_chart(
        [SimpleNamespace(pk=1, answered_on=dt.date(2026, 1, 1), satisfaction_index=Decimal("75"))]
    )
    assert chart.points[0].x == (chart.left + chart.right) / 2


@pytest.mark.django_db
def test_the_summary_lists_surveys_and_the_trend(account, owner):
    today = timezone.localdate()
    old = completed_survey(
        account,
        {"quality": (4, 2), "delivery": (4, 2), "courtesy": (4, 2)},
        answered_on=today - dt.timedelta(days=200),
    )
    new = completed_survey(
        account,
        {"quality": (5, 4), "delivery": (3, 2), "courtesy": (1, 5)},
        answered_on=today - dt.timedelta(days=10),
    )
    pending, _url = services.survey_send(
        account=account,
        respondent=StakeholderFactory(account=account),
        language="en",
        days=7,
        sent_by=owner,
    )
    summary = queries.survey_summary(account)
    assert [s.pk for s in summary.surveys] == [pending.pk, new.pk, old.pk]
    assert [p.pk for p in summary.trend.points] == [old.pk, new.pk]
    assert summary.latest_index == Decimal("61.11")
    assert summary.previous_index == Decimal("25.00")  # (4·1 × 3) / (12 · 4)
    assert summary.change == Decimal("36.11")
    assert summary.pending_count == 1
    html = render_to_string(
        "scoring/surveys/_account_surveys.html",
        {"survey_summary": summary, "account": account, "can_edit": True},
    )
    assert 'data-testid="satisfaction-trend"' in html
    assert html.count('data-testid="trend-point"') == 2
    assert html.count('data-testid="survey-row"') == 3
    assert 'data-testid="survey-record"' in html and 'data-testid="survey-send"' in html
    read_only = render_to_string(
        "scoring/surveys/_account_surveys.html",
        {"survey_summary": summary, "account": account, "can_edit": False},
    )
    assert "survey-record" not in read_only and "survey-send" not in read_only


@pytest.mark.django_db
def test_an_account_without_surveys_has_an_empty_summary(account):
    summary = queries.survey_summary(account)
    assert summary.surveys == [] and summary.trend.points == []
    assert summary.latest_index is None and summary.change is None
    html = render_to_string(
        "scoring/surveys/_account_surveys.html",
        {"survey_summary": summary, "account": account, "can_edit": True},
    )
    assert "No completed survey yet" in html
    assert "satisfaction-trend" not in html


@pytest.mark.django_db
def test_the_summary_lists_at_most_twenty(account):
    for days in range(25):
        SurveyFactory(account=account, answered_on=timezone.localdate() - dt.timedelta(days=days))
    summary = queries.survey_summary(account)
    assert len(summary.surveys) == 20
    assert summary.surveys[0].answered_on == timezone.localdate()
    assert len(summary.trend.points) == queries.TREND_SURVEYS
    assert summary.total_count == 25
