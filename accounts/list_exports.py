"""The account list's three exports — accounts, stakeholders, transactions — described as
accounts.exports Tables, which write them as Excel or CSV.

Each takes the account list's queryset (visible to the user, under the list's filters) and
describes one table. Labels are looked up in dictionaries made here, in the user's language,
so no row costs a query or a translation lookup.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts import queries
from accounts.exports import BOOL, DATE, DATETIME, MONEY, NUMBER, Column, Table
from accounts.models import (
    Attitude,
    BuyingRole,
    Category,
    Industry,
    Region,
    RelationshipStage,
    SocialStyle,
    StakeholderStatus,
    Tier,
)


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def _tier_labels() -> dict[int, str]:
    return {tier.pk: tier.label for tier in Tier.objects.only("pk", "name", "name_zh_hans")}


def _person_names() -> Callable[[int | None, str, str, str], str]:
    """The owner's name as the pages write it (Chinese names family name first), once per person."""
    names: dict[int, str] = {}

    def name(pk, first_name, last_name, username) -> str:
        if pk is None:
            return ""
        if pk not in names:
            names[pk] = queries.person_name(first_name, last_name, username)
        return names[pk]

    return name


def accounts_table(accounts: QuerySet) -> Table:
    columns = [
        Column(_("Name"), width=30),
        Column(_("Legal name"), width=30),
        Column(_("External ID")),
        Column(_("Category")),
        Column(_("Tier")),
        Column(_("Industry")),
        Column(_("Region")),
        Column(_("Account manager"), width=18),
        Column(_("Relationship stage")),
        Column(_("Employees"), NUMBER),
        Column(_("Annual revenue"), MONEY, width=16),
        Column(_("Listed company"), BOOL),
        Column(_("Website"), width=30),
        Column(_("Revenue, last 12 months"), MONEY, width=16),
        Column(pgettext("when a record was made", "Created"), DATETIME),
    ]
    category, industry, region = _labels(Category), _labels(Industry), _labels(Region)
    stage, tiers, person = _labels(RelationshipStage), _tier_labels(), _person_names()

    def row(record):
        (name, legal_name, external_id, category_code, tier_id, industry_code, region_code) = (
            record[:7]
        )
        owner_id, first_name, last_name, username = record[7:11]
        stage_code, employees, annual_revenue, listed, website, revenue, created = record[11:]
        return (
            name,
            legal_name,
            external_id,
            category.get(category_code, category_code),
            tiers.get(tier_id, ""),
            industry.get(industry_code, industry_code),
            region.get(region_code, region_code),
            person(owner_id, first_name, last_name, username),
            stage.get(stage_code, stage_code),
            employees,
            annual_revenue,
            listed,
            website,
            revenue,
            created,
        )

    return Table(
        slug="accounts",
        title=_("Accounts"),
        columns=columns,
        rows=queries.accounts_for_export(accounts),
        row=row,
        counted=accounts,
    )


def stakeholders_table(accounts: QuerySet) -> Table:
    """The people of the accounts. Private notes live in a table of their own that is never read
    here: nothing of them can reach the file."""
    columns = [
        Column(_("Account"), width=30),
        Column(_("Account external ID")),
        Column(pgettext("person", "Name"), width=20),
        Column(_("Title"), width=20),
        Column(_("Department / function"), width=20),
        Column(_("Reports to"), width=20),
        Column(_("Buying role")),
        Column(_("Attitude")),
        Column(_("Influence"), NUMBER),
        Column(_("Involvement"), NUMBER),
        Column(_("Social style")),
        Column(_("Status")),
        Column(_("Left on"), DATE),
        Column(_("Email"), width=24),
        Column(_("Phone")),
        Column(_("WeChat")),
    ]
    role, attitude = _labels(BuyingRole), _labels(Attitude)
    style, status = _labels(SocialStyle), _labels(StakeholderStatus)

    def row(record):
        (account, external_id, name, title, department, reports_to) = record[:6]
        (role_code, attitude_code, influence, involvement, style_code, status_code) = record[6:12]
        left_on, email, phone, wechat = record[12:]
        return (
            account,
            external_id,
            name,
            title,
            department,
            reports_to,
            role.get(role_code, role_code),
            attitude.get(attitude_code, attitude_code),
            influence,
            involvement,
            style.get(style_code, style_code),
            status.get(status_code, status_code),
            left_on,
            email,
            phone,
            wechat,
        )

    return Table(
        slug="stakeholders",
        title=_("Stakeholders"),
        columns=columns,
        rows=queries.stakeholders_for_export(accounts),
        row=row,
    )


def transactions_table(accounts: QuerySet) -> Table:
    columns = [
        Column(_("Account"), width=30),
        Column(_("Account external ID")),
        Column(_("Order date"), DATE),
        Column(_("Order / invoice no."), width=18),
        Column(_("Amount"), MONEY, width=16),
        Column(_("Gross margin"), MONEY, width=16),
        Column(_("Returned amount"), MONEY, width=16),
        Column(_("Payment due"), DATE),
        Column(_("Paid on"), DATE),
    ]
    return Table(
        slug="transactions",
        title=_("Transactions"),
        columns=columns,
        rows=queries.transactions_for_export(accounts),
    )


EXPORTS: dict[str, Callable[[QuerySet], Table]] = {
    "accounts": accounts_table,
    "stakeholders": stakeholders_table,
    "transactions": transactions_table,
}
