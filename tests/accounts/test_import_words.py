"""The import's words (issue 17, defects 11 and 13): rejection reasons are stored as messages and
read in the reader's language, not the language of the check; each row of the check names its
account (and a transaction's order number); the everyday short forms of a choice are accepted."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.imports.cells import Context, choice
from accounts.imports.queries import report_page
from accounts.models import Attitude, BuyingRole, SocialStyle
from tests.accounts.import_jobs import checked
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

HEADERS = ["Name", "External ID", "Industry", "Region", "Employees"]


def job_page(client_for, user, job, language):
    client = client_for(user)
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    response = client.get(reverse("accounts:import_detail", args=[job.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_reasons_checked_in_english_read_in_chinese(
    client_for, owner, django_capture_on_commit_callbacks
):
    rows = [HEADERS, ["Acme Steel", "EXT-1", "Manufacturing", "East", "many"]]
    with translation.override("en"):
        job = checked(owner, "accounts", rows, django_capture_on_commit_callbacks)

    chinese = job_page(client_for, owner, job, "zh-hans")
    english = job_page(client_for, owner, job, "en")

    assert "“many” is not a number." in english
    assert "is not a" not in chinese
    assert "“many”不是数字" in chinese
    assert "Acme Steel" in chinese  # the row names its account


def test_a_report_row_names_the_account_and_the_order_number(
    owner, django_capture_on_commit_callbacks
):
    account = AccountFactory(owner=owner, name="Eastern Steel Group")
    rows = [
        ["Account", "Order date", "Order no", "Amount", "Gross margin"],
        [account.name, "2026-03-15", "SO-2026-0311", "1250", "100"],
        ["Nobody We Know", "2026-03-16", "SO-2026-0312", "900", "100"],
    ]
    job = checked(owner, "transactions", rows, django_capture_on_commit_callbacks)

    rows = {row.line: row for row in report_page(job).object_list}

    assert (rows[2].account, rows[2].detail) == ("Eastern Steel Group", "SO-2026-0311")
    assert (rows[3].account, rows[3].detail) == ("Nobody We Know", "SO-2026-0312")


def test_a_report_from_before_names_and_messages_still_reads(
    owner, django_capture_on_commit_callbacks
):
    job = checked(owner, "accounts", [HEADERS, ["Acme", "EXT-1", "Manufacturing", "East", "x"]],
                  django_capture_on_commit_callbacks)  # fmt: skip
    job.report = [[2, "reject", [["employees", "“x” is not a whole number."]], []]]
    job.save(update_fields=["report"])

    (row,) = report_page(job).object_list

    assert row.problems[0].message == "“x” is not a whole number."
    assert row.account == ""


@pytest.mark.parametrize(
    ("choices", "word", "code"),
    [
        (Attitude, "中立", Attitude.NEUTRAL),
        (Attitude, "支持", Attitude.SUPPORTER),
        (Attitude, "反对", Attitude.OPPONENT),
        (Attitude, "中立者", Attitude.NEUTRAL),
        (BuyingRole, "决策", BuyingRole.DECISION_MAKER),
        (BuyingRole, "使用", BuyingRole.USER),
        (SocialStyle, "分析", SocialStyle.ANALYTICAL),
    ],
)
def test_the_everyday_short_forms_are_accepted(choices, word, code):
    assert choice(choices, "attitude")(word, Context(today=date(2026, 12, 8))) == code
