"""What each import (accounts, stakeholders, transactions) can fill in, with which parser
(accounts.imports.cells), and which column headers, in English or Chinese, mean which field. The
labels are the export's column headers, so an exported file maps itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy, pgettext_lazy

from accounts.imports.cells import (
    Parser,
    boolean,
    choice,
    day,
    email,
    integer,
    money,
    normalise,
    text,
    tier,
    website,
)
from accounts.models import Attitude, BuyingRole, Category, Industry, Region, SocialStyle

ACCOUNTS, STAKEHOLDERS, TRANSACTIONS = "accounts", "stakeholders", "transactions"
KINDS = (ACCOUNTS, STAKEHOLDERS, TRANSACTIONS)


@dataclass(frozen=True)
class Field:
    key: str
    label: object  # lazy translation
    parse: Parser
    attr: str | None = None  # the model attribute it fills; None: a reference to an account
    required: bool = False  # every row needs it
    required_new: bool = False  # a row that creates a record needs it
    aliases: tuple[str, ...] = ()


# --- The fields of each import -------------------------------------------------------------------

_MAX_INT = 2_147_483_647
_ACCOUNT_REFERENCE = (
    Field(
        "account",
        gettext_lazy("Account"),
        text(200),
        aliases=("account", "account name", "customer", "customer name", "company", "客户",
                 "客户名称", "公司", "公司名称"),
    ),
    Field(
        "account_external_id",
        gettext_lazy("Account external ID"),
        text(64),
        aliases=("account external id", "account id", "customer id", "customer number",
                 "external id", "erp id", "客户外部编号", "客户编号", "外部编号", "客户代码"),
    ),
)  # fmt: skip

FIELDS: dict[str, tuple[Field, ...]] = {
    ACCOUNTS: (
        Field("name", gettext_lazy("Name"), text(200), "name", required=True,
              aliases=("name", "account", "account name", "customer", "customer name", "company",
                       "company name", "客户名称", "名称", "客户", "客户名", "公司名称",
                       "企业名称")),
        Field("legal_name", gettext_lazy("Legal name"), text(200), "legal_name",
              aliases=("legal name", "registered name", "full name", "法定名称", "公司全称",
                       "全称", "注册名称")),
        Field("external_id", gettext_lazy("External ID"), text(64), "external_id",
              aliases=("external id", "erp id", "customer id", "customer number", "customer no",
                       "外部编号", "客户编号", "客户代码", "erp编号")),
        Field("industry", gettext_lazy("Industry"), choice(Industry, gettext_lazy("industry")),
              "industry", required_new=True, aliases=("industry", "sector", "行业", "所属行业")),
        Field("region", gettext_lazy("Region"), choice(Region, gettext_lazy("region")), "region",
              required_new=True, aliases=("region", "area", "区域", "地区", "大区")),
        Field("category", gettext_lazy("Category"), choice(Category, gettext_lazy("category")),
              "category", aliases=("category", "customer category", "客户类别", "类别", "分类")),
        Field("tier", gettext_lazy("Tier"), tier, "tier_id",
              aliases=("tier", "customer tier", "level", "客户等级", "等级", "层级")),
        Field("employees", gettext_lazy("Employees"), integer(0, _MAX_INT), "employees",
              aliases=("employees", "headcount", "staff", "员工人数", "员工数", "人数")),
        Field("annual_revenue", gettext_lazy("Annual revenue"), money(18), "annual_revenue",
              aliases=("annual revenue", "revenue", "年营业收入", "年营业额", "年收入",
                       "营业收入")),
        Field("listed", gettext_lazy("Listed company"), boolean, "is_listed",
              aliases=("listed", "listed company", "is listed", "上市公司", "是否上市", "上市")),
        Field("website", gettext_lazy("Website"), website, "website",
              aliases=("website", "web", "url", "homepage", "网站", "网址", "官网")),
    ),
    STAKEHOLDERS: (
        *_ACCOUNT_REFERENCE,
        Field("name", pgettext_lazy("person", "Name"), text(120), "name", required=True,
              aliases=("name", "person", "contact", "contact name", "full name", "姓名",
                       "联系人", "名字")),
        Field("title", gettext_lazy("Title"), text(120), "title",
              aliases=("title", "job title", "position", "职务", "职位", "头衔")),
        Field("department", gettext_lazy("Department / function"), text(120), "department",
              aliases=("department", "function", "部门", "职能")),
        Field("buying_role", gettext_lazy("Buying role"),
              choice(BuyingRole, gettext_lazy("buying role")), "buying_role", required_new=True,
              aliases=("buying role", "role", "采购角色", "角色")),
        Field("attitude", gettext_lazy("Attitude"), choice(Attitude, gettext_lazy("attitude")),
              "attitude", aliases=("attitude", "态度")),
        Field("influence", gettext_lazy("Influence"), integer(1, 5), "influence",
              aliases=("influence", "影响力")),
        Field("involvement", gettext_lazy("Involvement"), integer(1, 5), "involvement",
              aliases=("involvement", "参与度")),
        Field("social_style", gettext_lazy("Social style"),
              choice(SocialStyle, gettext_lazy("social style")), "social_style",
              aliases=("social style", "style", "社交风格", "沟通风格")),
        Field("email", gettext_lazy("Email"), email, "email",
              aliases=("email", "e-mail", "mail", "邮箱", "电子邮件", "邮件")),
        Field("phone", gettext_lazy("Phone"), text(40), "phone",
              aliases=("phone", "mobile", "telephone", "tel", "电话", "手机", "联系电话")),
        Field("wechat", gettext_lazy("WeChat"), text(60), "wechat",
              aliases=("wechat", "weixin", "微信", "微信号")),
    ),
    TRANSACTIONS: (
        *_ACCOUNT_REFERENCE,
        Field("date", gettext_lazy("Order date"), day(), "date", required=True,
              aliases=("date", "order date", "日期", "下单日期", "订单日期")),
        Field("reference", gettext_lazy("Order / invoice no."), text(40), "reference",
              aliases=("reference", "order no", "order number", "invoice no", "invoice number",
                       "订单号", "发票号", "单号", "订单编号")),
        Field("amount", gettext_lazy("Amount"), money(positive=True), "amount", required=True,
              aliases=("amount", "value", "total", "金额", "订单金额", "销售额")),
        Field("gross_margin", gettext_lazy("Gross margin"), money(negative=True),
              "gross_margin", required_new=True,
              aliases=("gross margin", "margin", "gross profit", "毛利", "毛利额")),
        Field("returned_amount", gettext_lazy("Returned amount"), money(), "returned_amount",
              aliases=("returned amount", "returned", "returns", "退货金额", "退货")),
        Field("invoice_due", gettext_lazy("Payment due"), day(future=True), "invoice_due",
              aliases=("payment due", "invoice due", "due date", "due", "付款到期日",
                       "到期日")),
        Field("paid_on", gettext_lazy("Paid on"), day(), "paid_on",
              aliases=("paid on", "paid", "payment date", "付款日期", "回款日期", "收款日期")),
    ),
}  # fmt: skip


def fields_for(kind: str) -> dict[str, Field]:
    return {item.key: item for item in FIELDS[kind]}


@cache
def _header_lookup(kind: str) -> dict[str, str]:
    """Normalised header → field key: the aliases first, then the labels in every language."""
    lookup: dict[str, str] = {}
    for item in FIELDS[kind]:
        for alias in item.aliases:
            lookup.setdefault(normalise(alias), item.key)
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for item in FIELDS[kind]:
                lookup.setdefault(normalise(str(item.label)), item.key)
    return lookup


def guess_mapping(headers: list[str], kind: str) -> dict[int, str | None]:
    """Column index → field key, or None for a column nothing matches. A field is given to the
    first column that names it; a later column with the same meaning is left unmapped."""
    lookup = _header_lookup(kind)
    mapping: dict[int, str | None] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        key = lookup.get(normalise(header)) if header else None
        if key in taken:
            key = None
        if key:
            taken.add(key)
        mapping[index] = key
    return mapping
