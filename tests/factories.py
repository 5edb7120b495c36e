"""factory_boy factories for every model; personas are in conftest.py."""

from datetime import timedelta
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

PASSWORD = "correct-horse-battery-staple"


def role_group(name: str) -> Group:
    # get_or_create: transactional tests flush the groups the data migration made.
    return Group.objects.get_or_create(name=name)[0]


def tier(code: str = "gold") -> Tier:
    ranks = {"platinum": (1, "Platinum", "铂金"), "gold": (2, "Gold", "黄金"),
             "iron": (3, "Iron", "钢铁"), "lead": (4, "Lead", "重铅")}  # fmt: skip
    rank, name, name_zh = ranks[code]
    return Tier.objects.get_or_create(
        code=code, defaults={"rank": rank, "name": name, "name_zh_hans": name_zh}
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
