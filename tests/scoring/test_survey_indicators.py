"""The indicator editor (issue 6 item 1): admins add and edit indicators in both languages; a code
is frozen once answered; answered indicators are retired rather than deleted, and come back."""

import pytest
from django.urls import reverse

from scoring.models import SurveyIndicator
from tests.access_checks import assert_field_error
from tests.factories import AccountFactory, completed_survey

pytestmark = pytest.mark.django_db


def form_data(**fields):
    data = {
        "code": "after_sales",
        "group": "service",
        "name": "After-sales support",
        "name_zh_hans": "售后支持",
        "question": "How well we support you after the sale",
        "question_zh_hans": "我们售后支持的好坏",
        "position": "35",
        "is_active": "on",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def snapshot():
    return list(
        SurveyIndicator.objects.values_list("code", "name", "position", "is_active").order_by("pk")
    )


def test_the_list_groups_indicators_and_counts_their_answers(client_for, owner):
    completed_survey(AccountFactory(), {"quality": (5, 4), "delivery": (3, 2), "courtesy": (1, 5)})
    completed_survey(AccountFactory(), {"quality": (4, 4), "delivery": (3, 3), "range": (1, 5)})
    SurveyIndicator.objects.filter(code="range").update(is_active=False)
    html = client_for(owner).get(reverse("scoring:survey_indicators")).content.decode()
    assert html.index(">Product<") < html.index(">Service<") < html.index(">Purchase experience<")
    quality = html[html.index('data-code="quality"') :]
    assert 'data-testid="indicator-answers">2<' in quality[: quality.index("</tr>")]
    range_row = html[html.index('data-code="range"') :]
    range_row = range_row[: range_row.index("</tr>")]
    assert "Retired" in range_row and 'data-testid="indicator-answers">1<' in range_row
    assert "性价比" in html and "您支付的价格所获得的价值" in html


def test_an_admin_adds_an_indicator_in_both_languages(client_for, admin_user):
    response = client_for(admin_user).post(reverse("scoring:survey_indicator_create"), form_data())
    assert response.status_code == 302
    created = SurveyIndicator.objects.get(code="after_sales")
    assert (created.group, created.name_zh_hans, created.position) == ("service", "售后支持", 35)
    assert created.is_active
    assert created.history.first().history_user == admin_user


def test_a_new_indicator_is_asked_in_position_order(client_for, admin_user, owner):
    client_for(admin_user).post(
        reverse("scoring:survey_indicator_create"), form_data(group="product", position="0")
    )
    account = AccountFactory(owner=owner)
    html = client_for(owner).get(reverse("scoring:survey_create", args=[account.pk])).content
    assert html.index(b'data-indicator="after_sales"') < html.index(
        b'data-indicator="value_for_price"'
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"code": "quality"}, "code"),  # taken
        ({"code": "has spaces"}, "code"),
        ({"code": ""}, "code"),
        ({"name_zh_hans": ""}, "name_zh_hans"),
        ({"group": "marketing"}, "group"),
        ({"position": "-1"}, "position"),
        ({"position": "99999999999999"}, "position"),
    ],
)
def test_bad_input_is_an_error_next_to_the_field(client_for, admin_user, fields, field):
    assert_field_error(
        client_for(admin_user),
        reverse("scoring:survey_indicator_create"),
        form_data(**fields),
        field,
        snapshot,
    )


def test_an_unanswered_code_can_change(client_for, admin_user):
    range_ = SurveyIndicator.objects.get(code="range")
    client_for(admin_user).post(
        reverse("scoring:survey_indicator_edit", args=[range_.pk]),
        form_data(
            code="product_range",
            group="product",
            name="Range",
            name_zh_hans="产品范围",
            row_version=range_.row_version,
        ),
    )
    range_.refresh_from_db()
    assert range_.code == "product_range"


def test_an_answered_code_is_frozen(client_for, admin_user):
    completed_survey(AccountFactory(), {"quality": (5, 4), "delivery": (3, 2), "courtesy": (1, 5)})
    quality = SurveyIndicator.objects.get(code="quality")
    url = reverse("scoring:survey_indicator_edit", args=[quality.pk])
    client = client_for(admin_user)
    page = client.get(url)
    assert page.context["form"].fields["code"].disabled
    response = client.post(
        url,
        form_data(
            code="renamed",
            group="product",
            name="Product quality",
            name_zh_hans="质量",
            row_version=quality.row_version,
        ),
    )
    assert response.status_code == 302
    quality.refresh_from_db()
    assert quality.code == "quality"  # a disabled field ignores what is posted
    assert quality.name == "Product quality"


def test_the_service_refuses_to_rename_an_answered_code(admin_user):
    from django.core.exceptions import ValidationError

    from scoring.surveys import services

    completed_survey(AccountFactory(), {"quality": (5, 4), "delivery": (3, 2), "courtesy": (1, 5)})
    quality = SurveyIndicator.objects.get(code="quality")
    quality.code = "renamed"
    with pytest.raises(ValidationError):
        services.indicator_save(
            indicator=quality, actor=admin_user, expected_version=quality.row_version
        )
    assert SurveyIndicator.objects.filter(code="quality").exists()


def test_an_answered_indicator_is_retired_and_brought_back(client_for, admin_user, owner):
    survey = completed_survey(
        AccountFactory(owner=owner), {"quality": (5, 4), "delivery": (3, 2), "courtesy": (1, 5)}
    )
    quality = SurveyIndicator.objects.get(code="quality")
    url = reverse("scoring:survey_indicator_edit", args=[quality.pk])
    client = client_for(admin_user)
    client.post(
        url,
        form_data(
            code="quality",
            group="product",
            name="Quality",
            name_zh_hans="质量",
            is_active=None,
            row_version=quality.row_version,
        ),
    )
    quality.refresh_from_db()
    assert not quality.is_active
    account = survey.account
    new_survey = client_for(owner).get(reverse("scoring:survey_create", args=[account.pk])).content
    assert b'data-indicator="quality"' not in new_survey
    # The old survey still shows its answer, marked as retired.
    detail = client_for(owner).get(survey.get_absolute_url()).content.decode()
    assert 'data-testid="answer" data-indicator="quality"' in detail and "retired" in detail
    client.post(
        url,
        form_data(
            code="quality",
            group="product",
            name="Quality",
            name_zh_hans="质量",
            row_version=quality.row_version,
        ),
    )
    quality.refresh_from_db()
    assert quality.is_active


def test_an_unanswered_indicator_can_be_deleted(client_for, admin_user):
    spare = SurveyIndicator.objects.create(
        code="spare", group="product", name="Spare", name_zh_hans="备用"
    )
    client = client_for(admin_user)
    listing = client.get(reverse("scoring:survey_indicators")).content.decode()
    row = listing[listing.index('data-code="spare"') :]
    assert 'data-testid="indicator-delete"' in row[: row.index("</tr>")]
    url = reverse("scoring:survey_indicator_delete", args=[spare.pk])
    assert b'data-testid="indicator-delete-submit"' in client.get(url).content
    assert client.post(url, {"row_version": spare.row_version}).status_code == 302
    assert not SurveyIndicator.objects.filter(code="spare").exists()


def test_an_answered_indicator_cannot_be_deleted(client_for, admin_user):
    completed_survey(AccountFactory(), {"quality": (5, 4), "delivery": (3, 2), "courtesy": (1, 5)})
    quality = SurveyIndicator.objects.get(code="quality")
    client = client_for(admin_user)
    listing = client.get(reverse("scoring:survey_indicators")).content.decode()
    row = listing[listing.index('data-code="quality"') :]
    assert "indicator-delete" not in row[: row.index("</tr>")]
    url = reverse("scoring:survey_indicator_delete", args=[quality.pk])
    page = client.get(url).content.decode()
    assert "cannot be deleted" in page and "indicator-delete-submit" not in page
    response = client.post(url, {"row_version": quality.row_version}, follow=True)
    assert "Retire it instead" in response.content.decode()
    assert SurveyIndicator.objects.filter(code="quality").exists()
