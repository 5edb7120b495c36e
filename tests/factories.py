"""factory_boy factories for every model; personas are in conftest.py."""

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.access import ACCOUNT_MANAGER
from accounts.models import (
    Account,
    AccountTeamMember,
    Attitude,
    BuyingRole,
    Category,
    Complaint,
    Coverage,
    Industry,
    Region,
    Severity,
    StageChange,
    Stakeholder,
    StakeholderNeed,
    StakeholderPrivateNote,
    Tier,
    Transaction,
    User,
)
from planning.models import (
    AccountPlan,
    Action,
    Objective,
    Opportunity,
    PlanStatus,
    Visit,
)
from scoring import defaults as scoring_defaults
from scoring import engine
from scoring.assessments.queries import scoring_base
from scoring.assessments.services import account_assess
from scoring.models import (
    CriteriaSet,
    Criterion,
    Dimension,
    RiskFactor,
    RiskPolicy,
    Segment,
    SegmentScore,
    SetKind,
    SetStatus,
    Survey,
    SurveyAnswer,
    SurveyChannel,
    SurveyIndicator,
    SurveyStatus,
    TierPolicy,
    TierRule,
    ValueScorecard,
)

PASSWORD = "correct-horse-battery-staple"


def role_group(name: str) -> Group:
    # get_or_create: transactional tests flush the groups the data migration made.
    return Group.objects.get_or_create(name=name)[0]


def tier(code: str = "gold") -> Tier:
    ranks = {"platinum": (1, "Platinum", "铂金客户", 14), "gold": (2, "Gold", "黄金客户", 30),
             "iron": (3, "Iron", "铁客户", 60), "lead": (4, "Lead", "铅客户", 90)}  # fmt: skip
    rank, name, name_zh, cadence = ranks[code]
    return Tier.objects.get_or_create(
        code=code,
        defaults={
            "rank": rank,
            "name": name,
            "name_zh_hans": name_zh,
            "visit_cadence_days": cadence,
        },
    )[0]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(role_group(extracted))


class ManagerFactory(UserFactory):
    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            self.groups.add(role_group(extracted or ACCOUNT_MANAGER))


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    name = factory.Sequence(lambda n: f"Customer {n:04d} Co.")
    legal_name = factory.LazyAttribute(lambda a: f"{a.name} Ltd.")
    industry = Industry.MANUFACTURING
    region = Region.EAST
    category = Category.NORMAL
    owner = factory.SubFactory(ManagerFactory)


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccountTeamMember

    account = factory.SubFactory(AccountFactory)
    user = factory.SubFactory(ManagerFactory)


class TransactionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Transaction

    account = factory.SubFactory(AccountFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    reference = factory.Sequence(lambda n: f"SO-{n:06d}")
    amount = Decimal("10000.00")
    gross_margin = Decimal("2500.00")
    returned_amount = Decimal("0")
    invoice_due = factory.LazyAttribute(lambda t: t.date + timedelta(days=60))
    paid_on = None


class ComplaintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Complaint

    account = factory.SubFactory(AccountFactory)
    title = factory.Sequence(lambda n: f"Complaint {n}")
    category = "delivery"
    severity = Severity.MEDIUM
    opened_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    due_on = factory.LazyAttribute(lambda c: c.opened_on + timedelta(days=14))


class StakeholderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stakeholder

    account = factory.SubFactory(AccountFactory)
    name = factory.Sequence(lambda n: f"Stakeholder {n}")
    title = "Purchasing manager"
    department = "Purchasing"
    buying_role = BuyingRole.INFLUENCER
    attitude = Attitude.NEUTRAL
    influence = 3
    involvement = 3


class StakeholderNeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StakeholderNeed

    stakeholder = factory.SubFactory(StakeholderFactory)
    description = "Shorter delivery times"


class PrivateNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StakeholderPrivateNote

    stakeholder = factory.SubFactory(StakeholderFactory)
    hometown = "Suzhou"
    interests = "Go (weiqi), hiking"
    family = "Daughter at university"


class CoverageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Coverage

    stakeholder = factory.SubFactory(StakeholderFactory)
    user = factory.LazyAttribute(lambda c: c.stakeholder.account.owner)
    strength = 2
    last_contact = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=14))


class StageChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StageChange

    account = factory.SubFactory(AccountFactory)
    from_stage = "pre_kam"
    to_stage = "early"
    rationale = "First orders placed; one buyer-seller contact."
    changed_by = factory.LazyAttribute(lambda c: c.account.owner)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccountPlan

    account = factory.SubFactory(AccountFactory)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    owner = factory.LazyAttribute(lambda p: p.account.owner)
    status = PlanStatus.ACTIVE
    strengths = "Preferred supplier for two product lines."
    weaknesses = "Only one contact in engineering."
    opportunities = "New plant opening next year."
    threats = "A competitor cut prices by 8%."


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"Grow share of wallet {n}")
    metric = "Revenue"
    unit = "CNY"
    target = Decimal("1000000")
    actual = Decimal("250000")
    due_on = factory.LazyAttribute(lambda o: date(o.plan.year, 12, 31))


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    objective = factory.SubFactory(ObjectiveFactory)
    description = factory.Sequence(lambda n: f"Action {n}")
    owner = factory.LazyAttribute(lambda a: a.objective.plan.owner)
    # A month ahead, kept inside the plan's year (the rule an action's form enforces).
    due_on = factory.LazyAttribute(
        lambda a: min(
            max(timezone.localdate() + timedelta(days=30), date(a.objective.plan.year, 1, 1)),
            date(a.objective.plan.year, 12, 31),
        )
    )


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    account = factory.SubFactory(AccountFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    objective = "Agree the scope of the 2027 framework contract by 31 January."
    situation_questions = "How many lines run our parts today?"
    problem_questions = "Where do delays hurt most?"
    implication_questions = "What does a day of downtime cost you?"
    need_payoff_questions = "How would a 48-hour delivery promise help?"
    created_by = factory.LazyAttribute(lambda v: v.account.owner)


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opportunity

    account = factory.SubFactory(AccountFactory)
    name = factory.Sequence(lambda n: f"Opportunity {n}")
    owner = factory.LazyAttribute(lambda o: o.account.owner)
    value = Decimal("500000")
    probability = 20
    expected_close = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=90))


class CriteriaSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CriteriaSet

    kind = SetKind.ACCOUNT
    version = factory.Sequence(lambda n: n + 100)
    status = SetStatus.PUBLISHED
    name = factory.LazyAttribute(lambda s: f"Criteria v{s.version}")
    published_at = factory.LazyFunction(timezone.now)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    criteria_set = factory.SubFactory(CriteriaSetFactory)
    code = factory.Sequence(lambda n: f"criterion_{n}")
    dimension = Dimension.ATTRACTIVENESS
    name = factory.Sequence(lambda n: f"Criterion {n}")
    weight = 1
    scale_min = 0
    scale_max = 10


def shipped_criteria_set(kind: str = SetKind.ACCOUNT) -> CriteriaSet:
    """The published set the data migration ships (loaded again where a transactional test
    flushed it), with the shipped criteria."""
    existing = CriteriaSet.objects.filter(kind=kind, status=SetStatus.PUBLISHED).first()
    if existing is not None:
        return existing
    definitions = (
        scoring_defaults.ACCOUNT_CRITERIA
        if kind == SetKind.ACCOUNT
        else scoring_defaults.SEGMENT_CRITERIA
    )
    criteria_set = CriteriaSetFactory(kind=kind, version=1, name=f"Shipped {kind} criteria")
    for row in scoring_defaults.criterion_rows(definitions):
        Criterion.objects.create(criteria_set=criteria_set, **row)
    return criteria_set


def score(account, values: dict[str, int | None], criteria_set=None, actor=None):
    """Assess an account through the real service; values by criterion code (missing = unscored).
    Scored on top of its current scores, as a form loaded now would be."""
    criteria_set = criteria_set or shipped_criteria_set()
    return account_assess(
        account=account,
        criteria_set=criteria_set,
        values_by_code=values,
        actor=actor or account.owner,
        expected_version=scoring_base(account)[0],
    )


def uniform_values(criteria_set, attractiveness: int, advantage: int) -> dict[str, int]:
    """The same score for every criterion of each dimension (negative weights get the mirror, so
    the index lands where the number says: 8 on every criterion gives an index of 80)."""
    values = {}
    for criterion in criteria_set.criteria.all():
        wanted = attractiveness if criterion.dimension == Dimension.ATTRACTIVENESS else advantage
        values[criterion.code] = wanted if criterion.weight >= 0 else 10 - wanted
    return values


class SegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Segment
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Segment {n}")


class SegmentScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SegmentScore

    segment = factory.SubFactory(SegmentFactory)
    criterion = factory.SubFactory(CriterionFactory)
    value = 5


class ScorecardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ValueScorecard
        django_get_or_create = ("account",)

    account = factory.SubFactory(AccountFactory)


def shipped_tier_rules() -> list[TierRule]:
    """The default policy and tier rules (reloaded where a transactional test flushed them)."""
    TierPolicy.objects.get_or_create(pk=1)
    rules = []
    for code, min_value, top_percent in scoring_defaults.TIER_RULES:
        rules.append(
            TierRule.objects.get_or_create(
                tier=tier(code), defaults={"min_value": min_value, "top_percent": top_percent}
            )[0]
        )
    return rules


def shipped_survey_indicators() -> list[SurveyIndicator]:
    """The twelve shipped indicators (reloaded where a transactional test flushed them)."""
    return [
        SurveyIndicator.objects.get_or_create(code=row.pop("code"), defaults=row)[0]
        for row in scoring_defaults.survey_indicator_rows()
    ]


def shipped_risk_model() -> list[RiskFactor]:
    """The default churn-risk policy and factors (reloaded where a transactional test flushed
    them)."""
    RiskPolicy.objects.get_or_create(pk=1)
    return [
        RiskFactor.objects.get_or_create(code=row.pop("code"), defaults=row)[0]
        for row in scoring_defaults.risk_factor_rows()
    ]


class SurveyIndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyIndicator

    code = factory.Sequence(lambda n: f"indicator_{n}")
    group = "product"
    name = factory.Sequence(lambda n: f"Indicator {n}")
    name_zh_hans = factory.Sequence(lambda n: f"指标{n}")
    position = factory.Sequence(lambda n: n)


class SurveyFactory(factory.django.DjangoModelFactory):
    """A completed survey without answers; use `completed_survey` for one with answers."""

    class Meta:
        model = Survey

    account = factory.SubFactory(AccountFactory)
    respondent = factory.SubFactory(StakeholderFactory, account=factory.SelfAttribute("..account"))
    respondent_name = factory.LazyAttribute(lambda o: o.respondent.name if o.respondent else "")
    channel = SurveyChannel.RECORDED
    status = SurveyStatus.COMPLETED
    answered_on = factory.LazyFunction(timezone.localdate)
    satisfaction_index = Decimal("50.00")


def completed_survey(account, answers: dict[str, tuple[int, int]], **fields) -> Survey:
    """A completed survey of `account` with {indicator code: (importance, performance)}; the
    shipped indicators are created when missing, the index is the engine's."""
    indicators = {i.code: i for i in shipped_survey_indicators()}
    survey = SurveyFactory(
        account=account,
        satisfaction_index=engine.satisfaction_index(answers.values()),
        **fields,
    )
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(
            survey=survey,
            indicator=indicators[code],
            importance=importance,
            performance=performance,
        )
        for code, (importance, performance) in answers.items()
    )
    return survey
