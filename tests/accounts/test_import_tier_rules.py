"""Issue 17, defect 7: an import that sets a tier the tier rules contradict (Platinum on a new
account with no sales) says so on that row of the dry run, in the reader's language; a tier
the rules agree with, or a file without a tier column, gets no warning."""

from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Tier
from tests.accounts.test_imports import checked_job, detail, report_lines
from tests.factories import AccountFactory, TransactionFactory, shipped_tier_rules
from tests.spreadsheets import xlsx_bytes

pytestmark = pytest.mark.django_db


def test_a_tier_the_rules_contradict_is_warned_per_row(
    client_for, owner, django_capture_on_commit_callbacks
):
    shipped_tier_rules()
    lowest = Tier.objects.order_by("-rank").first()
    highest = Tier.objects.order_by("rank").first()
    big = AccountFactory(name="Big Buyer", owner=owner)
    TransactionFactory(account=big, date=timezone.localdate(), amount=Decimal("900000000"))
    content = xlsx_bytes(
        [
            ["Name", "Industry", "Region", "Tier"],
            ["New Platinum Co", "Manufacturing", "East China", highest.name],
            ["New Lead Co", "Manufacturing", "East China", lowest.name],
            ["Big Buyer", "Manufacturing", "East China", highest.name],
        ]
    )
    client = client_for(owner)
    job = checked_job(client, "accounts", "tiers.xlsx", content, django_capture_on_commit_callbacks)
    lines = report_lines(detail(client, job).content.decode())
    assert 'data-testid="row-warning"' in lines[2]
    assert f"The tier rules give this account {lowest.label}" in lines[2]
    assert f"not {highest.label}" in lines[2]
    assert "row-warning" not in lines[3]  # the rules agree
    assert "row-warning" not in lines[4]  # its sales earn the top tier
    assert job.planned["reject"] == 0  # a warning, not a refusal

    # The warning is stored as a code and values, and worded when read.
    notes = {entry[0]: entry[5] for entry in job.report}
    assert notes[2] == [["tier_rules", {"tier": highest.pk, "rule_tier": lowest.pk, "value": "0"}]]
