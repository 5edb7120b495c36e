"""The SQL side of churn risk (scoring.health.inputs.read_batch) against hand-made records, each
placed just inside or just outside its window, on a fixed day. The windows are the shipped ones:
satisfaction 365 days, revenue 90, overdue grace 30, silence 120, decision maker 180, stage
regression 365."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import (
    Attitude,
    BuyingRole,
    ComplaintStatus,
    StakeholderStatus,
)
from planning.models import VisitStatus
from scoring.health.inputs import DEFAULT_CADENCE_DAYS, Windows, read_batch
from scoring.models import SurveyStatus
from tests.factories import (
    AccountFactory,
    ComplaintFactory,
    CoverageFactory,
    ManagerFactory,
    StageChangeFactory,
    StakeholderFactory,
    SurveyFactory,
    TransactionFactory,
    VisitFactory,
    tier,
)

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 6, 30)
WINDOWS = Windows(
    satisfaction=365, revenue=90, overdue_grace=30, silence=120, decision_maker=180, regression=365
)
D = Decimal


def day(offset: int) -> datetime.date:
    return AS_OF + datetime.timedelta(days=offset)


def at(offset: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """A moment on AS_OF + offset days, in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day(offset), datetime.time(hour, minute)))


def facts_of(*accounts):
    lo = min(a.pk for a in accounts)
    hi = max(a.pk for a in accounts)
    by_id = {f.account_id: f for f in read_batch(lo, hi, as_of=AS_OF, windows=WINDOWS)}
    return [by_id[a.pk] for a in accounts]


def measures_of(account):
    return facts_of(account)[0].measures


def reported_visit(account, starts_at):
    return VisitFactory(
        account=account, starts_at=starts_at, status=VisitStatus.REPORTED, reported_at=starts_at
    )


def test_last_reported_visit_as_of_the_day():
    lapsed, today, never = AccountFactory(), AccountFactory(), AccountFactory()
    reported_visit(lapsed, at(-40))
    VisitFactory(account=lapsed, starts_at=at(-2))  # planned: not contact
    VisitFactory(account=lapsed, starts_at=at(-1), status=VisitStatus.CANCELLED)
    reported_visit(lapsed, at(1, 0, 30))  # after the day: not yet
    reported_visit(today, at(0, 23, 59))  # late on the day itself counts, in local time

    lapsed_m, today_m, never_m = (f.measures for f in facts_of(lapsed, today, never))
    assert lapsed_m.days_since_contact == 40
    assert today_m.days_since_contact == 0
    assert never_m.days_since_contact is None


def test_cadence_comes_from_the_tier_with_a_monthly_default():
    platinum, untiered = AccountFactory(tier=tier("platinum")), AccountFactory(tier=None)
    first, second = facts_of(platinum, untiered)
    assert first.measures.cadence_days == 14
    assert second.measures.cadence_days == DEFAULT_CADENCE_DAYS == 30


def test_satisfaction_averages_over_the_window_and_the_window_before():
    account = AccountFactory()

    def survey(offset, index, **fields):
        SurveyFactory(
            account=account, answered_on=day(offset), satisfaction_index=D(index), **fields
        )

    survey(0, "80.00")  # current window: (AS_OF − 365, AS_OF]
    survey(-364, "60.00")
    survey(-200, "71.00")
    survey(-365, "40.00")  # the window before: (AS_OF − 730, AS_OF − 365]
    survey(-729, "50.00")
    survey(-730, "0.00")  # older: ignored
    survey(1, "10.00")  # after the day: ignored
    survey(-10, "5.00", status=SurveyStatus.SENT)  # not answered yet
    survey(-11, "5.00", status=SurveyStatus.WITHDRAWN)

    (facts,) = facts_of(account)
    assert facts.measures.satisfaction == D("70.33")  # 211 / 3
    assert facts.measures.satisfaction_before == D("45.00")
    assert facts.surveys_counted == 3


def test_no_surveys_give_no_satisfaction():
    (facts,) = facts_of(AccountFactory())
    assert facts.measures.satisfaction is None
    assert facts.measures.satisfaction_before is None
    assert facts.surveys_counted == 0


def test_revenue_windows_and_twelve_months():
    account = AccountFactory()

    def sale(date, amount, margin):
        TransactionFactory(
            account=account, date=date, amount=D(amount), gross_margin=D(margin), paid_on=date
        )

    sale(day(0), 100, 10)  # recent: (AS_OF − 90, AS_OF]
    sale(day(-89), 200, 20)
    sale(day(-90), 1000, 100)  # before: (AS_OF − 180, AS_OF − 90]
    sale(day(-179), 2000, 200)
    sale(day(-180), 5000, 500)  # neither, but within 12 months
    sale(datetime.date(2025, 7, 1), 7, 1)  # the first day of the 12 months
    sale(datetime.date(2025, 6, 30), 30000, 3000)  # a year ago to the day: outside
    sale(day(1), 99999, 9999)  # after the day

    (facts,) = facts_of(account)
    assert facts.measures.revenue_recent == D("300.00")
    assert facts.measures.revenue_before == D("3000.00")
    assert facts.measures.revenue_12m == facts.revenue_12m == D("8307.00")
    assert facts.margin_12m == D("831.00")
    assert facts.measures.overdue_amount == 0


def test_overdue_receivables_past_the_grace_days():
    account = AccountFactory()

    def invoice(due_offset, amount, returned=0, paid_offset=None, date_offset=None):
        date = day(date_offset if date_offset is not None else due_offset - 60)
        TransactionFactory(
            account=account,
            date=date,
            amount=D(amount),
            gross_margin=D(0),
            returned_amount=D(returned),
            invoice_due=day(due_offset),
            paid_on=None if paid_offset is None else day(paid_offset),
        )

    invoice(-31, 1000, returned=100)  # 31 days past due: overdue, net of the return
    invoice(-30, 4000)  # exactly the grace: not yet
    invoice(-100, 500, paid_offset=5)  # paid after the day: still unpaid then
    invoice(-100, 8000, paid_offset=0)  # paid on the day
    invoice(-940, 300, date_offset=-1000)  # years old and never paid

    m = measures_of(account)
    assert m.overdue_amount == D("1700.00")  # 900 + 500 + 300
    assert m.oldest_overdue_days == 940


def test_complaints_past_due_as_of_the_day():
    account = AccountFactory()

    def complaint(opened, due, **fields):
        ComplaintFactory(account=account, opened_on=day(opened), due_on=day(due), **fields)

    complaint(-10, -1)  # open, one day past due
    complaint(-10, 0)  # due on the day: not past due
    complaint(-30, -5, status=ComplaintStatus.RESOLVED, resolved_on=day(3), resolution="Fixed")
    complaint(-30, -5, status=ComplaintStatus.RESOLVED, resolved_on=day(0), resolution="Fixed")
    complaint(-40, -20, status=ComplaintStatus.IN_PROGRESS)
    complaint(1, 2)  # opened after the day

    assert measures_of(account).complaints_past_due == 3


def test_complaint_silence_counts():
    account, quiet = AccountFactory(), AccountFactory()
    for target, opened in (
        (account, -119),  # recent: (AS_OF − 120, AS_OF]
        (account, -120),  # the year before: (2025-03-02, 2026-03-02]
        (account, None),
        (account, 1),  # after the day
        (quiet, -120),
        (quiet, -300),
    ):
        opened_on = datetime.date(2025, 3, 3) if opened is None else day(opened)
        ComplaintFactory(account=target, opened_on=opened_on)
    ComplaintFactory(account=account, opened_on=datetime.date(2025, 3, 2))  # a day too old

    first, second = (f.measures for f in facts_of(account, quiet))
    assert (first.complaints_recent, first.complaints_before) == (1, 2)
    assert (second.complaints_recent, second.complaints_before) == (0, 2)


def test_coverage_counts_distinct_people_with_a_relationship():
    account = AccountFactory()
    one, two, three, four = (ManagerFactory() for _ in range(4))
    buyer = StakeholderFactory(account=account)
    engineer = StakeholderFactory(account=account)
    gone = StakeholderFactory(account=account, status=StakeholderStatus.LEFT, left_on=day(-400))
    CoverageFactory(stakeholder=buyer, user=one, strength=2)
    CoverageFactory(stakeholder=engineer, user=one, strength=3)  # the same person again
    CoverageFactory(stakeholder=engineer, user=two, strength=1)
    CoverageFactory(stakeholder=buyer, user=three, strength=0)  # no relationship
    CoverageFactory(stakeholder=gone, user=four, strength=3)  # left the company

    single, alone = AccountFactory(), AccountFactory()
    CoverageFactory(stakeholder=StakeholderFactory(account=single), user=one, strength=1)

    first, second, third = (f.measures for f in facts_of(account, single, alone))
    assert first.covering_people == 2
    assert second.covering_people == 1
    assert third.covering_people == 0


def test_decision_makers_opposed_or_left_within_the_window():
    account = AccountFactory()
    dm = BuyingRole.DECISION_MAKER

    def person(**fields):
        StakeholderFactory(account=account, **fields)

    person(buying_role=dm, attitude=Attitude.OPPONENT)  # opposed
    person(buying_role=dm, attitude=Attitude.SUPPORTER)
    person(buying_role=BuyingRole.INFLUENCER, attitude=Attitude.OPPONENT)  # not a decision maker
    left = {"buying_role": dm, "status": StakeholderStatus.LEFT}
    person(**left, left_on=day(-179))  # left within 180 days
    person(**left, left_on=day(-10), attitude=Attitude.OPPONENT)  # counted once, as left
    person(**left, left_on=day(-180))  # just too long ago
    person(**left, left_on=day(1))  # after the day

    m = measures_of(account)
    assert (m.decision_makers_opposed, m.decision_makers_left) == (1, 2)


def test_stage_regressions_within_the_window():
    account = AccountFactory()

    def change(when, regression=True):
        StageChangeFactory(account=account, changed_at=when, is_regression=regression)

    change(at(-364, 0, 0))  # the first moment of the window
    change(at(0, 23, 59))  # the last
    change(at(-365, 23, 59))  # a minute before the window
    change(at(1, 0, 0))  # after the day
    change(at(-10), regression=False)  # a move up

    assert measures_of(account).regressions == 2


def test_accounts_outside_the_range_are_not_read_and_owners_come_along():
    first, second, third = AccountFactory(), AccountFactory(), AccountFactory(owner=None)
    read = read_batch(second.pk, third.pk, as_of=AS_OF, windows=WINDOWS)
    assert [f.account_id for f in read] == [second.pk, third.pk]
    assert read[0].owner_id == second.owner_id and read[0].name == second.name
    assert read[1].owner_id is None
    assert read_batch(third.pk + 1, third.pk + 100, as_of=AS_OF, windows=WINDOWS) == []
    assert first.pk < second.pk


def _portfolio(count: int):
    accounts = []
    for n in range(count):
        account = AccountFactory(tier=tier("gold") if n % 2 else None)
        reported_visit(account, at(-n))
        TransactionFactory(account=account, date=day(-n - 1), paid_on=None)
        ComplaintFactory(account=account, opened_on=day(-n - 20))
        SurveyFactory(account=account, answered_on=day(-n))
        stakeholder = StakeholderFactory(account=account, buying_role=BuyingRole.DECISION_MAKER)
        CoverageFactory(stakeholder=stakeholder)
        StageChangeFactory(account=account, changed_at=at(-n), is_regression=True)
        accounts.append(account)
    return accounts


@pytest.mark.parametrize("count", [3, 60])
def test_one_batch_reads_in_nine_queries_whatever_its_size(count, django_assert_num_queries):
    accounts = _portfolio(count)
    with django_assert_num_queries(9):
        read = read_batch(accounts[0].pk, accounts[-1].pk, as_of=AS_OF, windows=WINDOWS)
    assert len(read) == count
    assert all(f.measures.days_since_contact is not None for f in read)
    assert all(f.measures.regressions == 1 for f in read)


def test_the_average_satisfaction_rounds_half_up_like_the_engine():
    account = AccountFactory()
    for index in ("60.01", "60.00"):
        SurveyFactory(account=account, answered_on=day(-5), satisfaction_index=D(index))

    # 60.005: half up gives 60.01 (rounding half to even would give 60.00).
    assert measures_of(account).satisfaction == D("60.01")
