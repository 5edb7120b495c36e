"""The Scores tab: the current assessment explained criterion by criterion, the score form, the
history and the query budget."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Category
from scoring.assessments import charts, queries
from scoring.assessments.queries import scoring_base
from scoring.criteria.queries import published_set
from scoring.models import Assessment, AssessmentSource, CriterionScore, SetStatus
from tests.access_checks import assert_field_error
from tests.factories import (
    AccountFactory,
    CriteriaSetFactory,
    CriterionFactory,
    score,
    shipped_criteria_set,
    uniform_values,
)

pytestmark = pytest.mark.django_db

A, V = "attractiveness", "advantage"


@pytest.fixture
def small_set():
    """2 + 2 criteria, one counting against, one on a 1–5 scale. Not the published set."""
    criteria_set = CriteriaSetFactory(
        status=SetStatus.ARCHIVED, version=7, name="Small criteria", published_at=None
    )
    for code, dimension, weight, low, high, position in (
        ("size", A, 3, 0, 10, 1),
        ("rivals", A, -1, 0, 10, 2),
        ("quality", V, 2, 1, 5, 1),
        ("speed", V, 4, 0, 10, 2),
    ):
        CriterionFactory(
            criteria_set=criteria_set,
            code=code,
            name=code.title(),
            dimension=dimension,
            weight=weight,
            scale_min=low,
            scale_max=high,
            position=position,
        )
    return criteria_set


def rows(response):
    """Each contribution row of the page by code: (scored, points, max points)."""
    page = response.context["page"]
    return {
        row.contribution.code: (
            row.contribution.is_scored,
            row.contribution.points,
            row.contribution.max_points,
        )
        for part in page.explanation.dimensions
        for row in part.rows
    }


def test_the_tab_explains_a_hand_computed_assessment(client_for, owner, account, small_set):
    # Attractiveness: size 8/10 × 3 = 2.4, rivals 4/10 counts against: 1 × 0.6 = 0.6 → 3.0 of 4
    # = 75. Advantage: quality 4 on 1–5 = 0.75 × 2 = 1.5 of 2 = 75; speed unscored, left out.
    score(account, {"size": 8, "rivals": 4, "quality": 4, "speed": None}, criteria_set=small_set)

    response = client_for(owner).get(reverse("scoring:scores", args=[account.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assessment = response.context["page"].assessment
    assert assessment.attractiveness == Decimal("75.00")
    assert assessment.advantage == Decimal("75.00")
    assert assessment.quadrant == "key"
    assert rows(response) == {
        "size": (True, Decimal("60.00"), Decimal("75.00")),
        "rivals": (True, Decimal("15.00"), Decimal("25.00")),
        "quality": (True, Decimal("75.00"), Decimal("100.00")),
        "speed": (False, None, None),
    }
    assert 'data-testid="attractiveness-index">75<' in html
    assert 'data-testid="advantage-index">75<' in html
    assert 'data-quadrant="key"' in html and "Key quadrant" in html
    assert "invest in the relationship" in html  # the key-account strategy
    assert "Scored under version 7 · Small criteria" in html
    assert "3 of 4 criteria scored" in html
    assert "60.0 of 75.0 points" in html and "15.0 of 25.0 points" in html
    assert "75.0 of 100.0 points" in html
    assert html.count('data-testid="not-scored"') == 1
    assert "not scored — left out" in html
    assert html.count('data-testid="counts-against"') == 1
    assert "−1" in html  # the negative weight, shown with a real minus
    assert 'data-testid="matrix-dot"' in html


def test_contribution_bars_are_scaled_to_the_dimensions_heaviest_criterion():
    assert charts.contribution_bar(Decimal(15), Decimal(30), Decimal(60)) == charts.Bar(
        track=Decimal(50), fill=Decimal(25)
    )
    assert charts.contribution_bar(None, None, Decimal(75)) is None


def test_the_mini_matrix_splits_at_the_thresholds_and_places_the_dot():
    matrix = charts.mini_matrix(Decimal(75), Decimal(25), Decimal(60), Decimal(50), "develop", {})
    assert matrix.threshold_x == charts.PLOT_LEFT + charts.PLOT_SIZE / 2
    assert matrix.threshold_y == pytest.approx(charts.PLOT_TOP + charts.PLOT_SIZE * 0.4)
    assert matrix.dot_x == charts.PLOT_LEFT + charts.PLOT_SIZE / 4
    assert matrix.dot_y == charts.PLOT_TOP + charts.PLOT_SIZE / 4
    assert [c.key for c in matrix.cells if c.is_current] == ["develop"]
    unplaced = charts.mini_matrix(None, Decimal(25), Decimal(50), Decimal(50), None, {})
    assert unplaced.dot_x is None and not any(c.is_current for c in unplaced.cells)


def test_a_never_scored_account_shows_an_empty_state_with_the_button_for_the_team(
    client_for, owner, director, account
):
    url = reverse("scoring:scores", args=[account.pk])
    html = client_for(owner).get(url).content.decode()
    assert 'data-testid="scores-empty"' in html
    assert reverse("scoring:score_create", args=[account.pk]) in html

    director_html = client_for(director).get(url).content.decode()
    assert 'data-testid="scores-empty"' in director_html
    assert reverse("scoring:score_create", args=[account.pk]) not in director_html


def test_a_newer_published_version_invites_a_rescore(client_for, owner, account, small_set):
    small_set.version = 0
    small_set.save()
    score(account, {"size": 5}, criteria_set=small_set)
    html = client_for(owner).get(reverse("scoring:scores", args=[account.pk])).content.decode()
    assert 'data-testid="newer-version"' in html
    assert "Newer criteria have been published (version 1" in html


def test_carried_over_scores_say_so(client_for, owner, account):
    criteria_set = shipped_criteria_set()
    score(account, uniform_values(criteria_set, 7, 7))
    Assessment.objects.filter(account=account).update(source=AssessmentSource.CARRIED_OVER)
    html = client_for(owner).get(reverse("scoring:scores", args=[account.pk])).content.decode()
    assert 'data-testid="carried-over"' in html
    assert 'data-testid="newer-version"' not in html


@pytest.mark.parametrize(
    ("category", "values", "disagreement"),
    [
        (Category.KEY, (2, 2), "key_but_opportunistic"),
        (Category.NORMAL, (8, 8), "key_quadrant_not_key"),
        (Category.KEY, (8, 8), None),
        (Category.NORMAL, (2, 2), None),
    ],
)
def test_it_says_when_the_category_disagrees_with_the_quadrant(
    client_for, owner, account, category, values, disagreement
):
    account.category = category
    account.save()
    score(account, uniform_values(shipped_criteria_set(), *values))
    response = client_for(owner).get(reverse("scoring:scores", args=[account.pk]))
    assert response.context["page"].disagreement == disagreement
    assert ('data-testid="category-disagreement"' in response.content.decode()) == bool(
        disagreement
    )


def test_the_form_lists_the_published_criteria_with_scale_help_and_current_values(
    client_for, owner, account
):
    criteria_set = shipped_criteria_set()
    score(account, {"market_leadership": 6, "quality": 9})
    response = client_for(owner).get(reverse("scoring:score_create", args=[account.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    form = response.context["form"]
    assert [c.code for c in form.criteria] == [c.code for c in criteria_set.criteria.all()]
    assert form.initial["market_leadership"] == 6 and form.initial["quality"] == 9
    assert form.initial["price"] is None
    assert "0 = A small player … 10 = The leader of its market" in html
    assert "Customer attractiveness" in html and "Our relative advantage" in html
    assert "Competition intensity (counts against)" in html
    assert f'name="version" value="{criteria_set.pk}"' in html


def form_data(criteria_set, values, note="", *, account):
    """The form as a person sends it, loaded now: on top of the account's current scores."""
    data = {"version": criteria_set.pk, "note": note, "row_version": scoring_base(account)[0]}
    data.update({code: "" if v is None else v for code, v in values.items()})
    return data


def test_saving_scores_adds_to_the_history_and_names_the_quadrant(client_for, owner, account):
    criteria_set = published_set()
    client = client_for(owner)
    url = reverse("scoring:score_create", args=[account.pk])

    response = client.post(
        url,
        form_data(
            criteria_set,
            uniform_values(criteria_set, 8, 8),
            "After the plant visit",
            account=account,
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("scoring:scores", args=[account.pk])
    first = Assessment.objects.get(account=account)
    assert (first.attractiveness, first.advantage, first.quadrant) == (
        Decimal("80.00"),
        Decimal("80.00"),
        "key",
    )
    assert first.scored_by == owner and first.note == "After the plant visit"
    assert first.criteria_set == criteria_set

    values = uniform_values(criteria_set, 3, 8)
    values["quality"] = None  # don't know
    page = client.post(url, form_data(criteria_set, values, account=account), follow=True)
    assert ": Maintain." in page.content.decode()
    assert account.assessments.count() == 2
    current = account.assessments.get(is_current=True)
    assert current.quadrant == "maintain"
    assert CriterionScore.objects.get(assessment=current, criterion__code="quality").value is None
    history = page.context["page"].history
    assert [row.assessment.pk for row in history.rows] == [current.pk, first.pk]
    assert history.rows[0].attractiveness_change == Decimal("-50.00")


def snapshot():
    return list(Assessment.objects.values_list("pk", "is_current").order_by("pk")), list(
        CriterionScore.objects.values_list("pk", "value").order_by("pk")
    )


@pytest.mark.parametrize(
    ("value", "snippet"),
    [(11, "Score 11 is outside the scale 0–10."), ("a lot", "whole number"), (-1, "outside")],
)
def test_a_bad_score_is_an_error_next_to_its_criterion_and_nothing_is_saved(
    client_for, owner, account, value, snippet
):
    criteria_set = published_set()
    score(account, uniform_values(criteria_set, 5, 5))
    values = uniform_values(criteria_set, 8, 8)
    values["market_leadership"] = value
    assert_field_error(
        client_for(owner),
        reverse("scoring:score_create", args=[account.pk]),
        form_data(criteria_set, values, account=account),
        "market_leadership",
        unchanged=snapshot,
        snippet=snippet,
    )


def test_an_empty_form_is_refused(client_for, owner, account):
    criteria_set = published_set()
    values = dict.fromkeys((c.code for c in criteria_set.criteria.all()), None)
    response = client_for(owner).post(
        reverse("scoring:score_create", args=[account.pk]),
        form_data(criteria_set, values, account=account),
    )
    assert response.status_code == 200
    assert "Score at least one criterion" in response.content.decode()
    assert not Assessment.objects.filter(account=account).exists()


def test_scores_posted_against_a_set_no_longer_published_are_checked_again(
    client_for, owner, account
):
    criteria_set = published_set()
    data = form_data(criteria_set, uniform_values(criteria_set, 8, 8), account=account)
    data["version"] = criteria_set.pk + 1000
    response = client_for(owner).post(reverse("scoring:score_create", args=[account.pk]), data)
    assert response.status_code == 200
    assert "The criteria were changed" in response.content.decode()
    assert not Assessment.objects.filter(account=account).exists()


def test_without_a_published_set_the_form_says_so(client_for, owner, account):
    published_set().__class__.objects.update(status=SetStatus.ARCHIVED)
    response = client_for(owner).get(reverse("scoring:score_create", args=[account.pk]))
    assert response.status_code == 200
    assert 'data-testid="no-criteria"' in response.content.decode()
    assert response.context["form"] is None


def test_a_past_assessment_shows_its_own_contributions(client_for, owner, account, small_set):
    old = score(account, {"size": 10, "quality": 5}, criteria_set=small_set)
    score(account, {"size": 0, "quality": 1}, criteria_set=small_set)
    response = client_for(owner).get(reverse("scoring:score_detail", args=[account.pk, old.pk]))
    html = response.content.decode()
    assert response.context["page"].assessment == old
    assert 'data-testid="past-assessment"' in html
    assert rows(response)["size"] == (True, Decimal("100.00"), Decimal("100.00"))
    assert 'class="table-active" aria-current="true"' in html


def test_an_assessment_of_another_account_is_a_404(client_for, owner, account, small_set):
    other = AccountFactory(owner=owner)
    theirs = score(other, {"size": 5}, criteria_set=small_set)
    url = reverse("scoring:score_detail", args=[account.pk, theirs.pk])
    assert client_for(owner).get(url).status_code == 404


def test_the_history_shows_the_latest_twenty_with_the_count(client_for, owner, account, small_set):
    past(account, small_set, 25)
    response = client_for(owner).get(reverse("scoring:scores", args=[account.pk]))
    history = response.context["page"].history
    assert history.total == 25 and history.shown == 20
    assert "the latest 20 of 25" in response.content.decode()
    assert history.rows[-1].attractiveness_change is not None


def past(account, criteria_set, count):
    """`count` assessments, a day apart, the newest current."""
    now = timezone.now()
    for n in range(count):
        assessment = score(account, {"size": n % 11, "quality": 3}, criteria_set=criteria_set)
        Assessment.objects.filter(pk=assessment.pk).update(
            scored_at=now - timedelta(days=count - n)
        )


@pytest.mark.parametrize("count", [1, 30])
def test_the_tab_and_a_detail_render_in_a_bounded_number_of_queries(
    client_for, owner, account, count, django_assert_max_num_queries
):
    criteria_set = shipped_criteria_set()
    past(account, criteria_set, count)
    oldest = account.assessments.order_by("scored_at").first()
    client = client_for(owner)
    with django_assert_max_num_queries(11):
        assert client.get(reverse("scoring:scores", args=[account.pk])).status_code == 200
    with django_assert_max_num_queries(11):
        url = reverse("scoring:score_detail", args=[account.pk, oldest.pk])
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("count", [1, 30])
def test_the_form_renders_in_a_bounded_number_of_queries(
    client_for, owner, account, count, django_assert_max_num_queries
):
    past(account, shipped_criteria_set(), count)
    client = client_for(owner)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("scoring:score_create", args=[account.pk]))
    assert response.status_code == 200


def test_current_assessment_falls_back_when_the_newest_is_not_current(owner, account, small_set):
    current = score(account, {"size": 3}, criteria_set=small_set)
    newer = score(account, {"size": 4}, criteria_set=small_set)
    # A carried-over or imported row dated after the current one: the current one still wins.
    Assessment.objects.filter(pk=newer.pk).update(is_current=False)
    Assessment.objects.filter(pk=current.pk).update(is_current=True)
    scores_history = queries.history(account, limit=1)
    assert queries.current_assessment(account, scores_history) == current


def test_without_published_criteria_the_empty_tab_says_who_publishes_them(
    client_for, owner, account
):
    published_set().__class__.objects.update(status=SetStatus.ARCHIVED)
    html = client_for(owner).get(reverse("scoring:scores", args=[account.pk])).content.decode()
    assert 'data-testid="no-criteria"' in html
    assert reverse("scoring:score_create", args=[account.pk]) not in html
