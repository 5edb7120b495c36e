"""What each import (accounts, stakeholders, transactions) can fill in, how a cell becomes a value,
and which column headers, in English or Chinese, mean which field.

A parser takes a non-empty cell and the `Context` of the import and returns the value to store,
or raises `FieldError` with a message that names what is wrong. Choices are read by their code or
by their label in any of the site's languages ("Manufacturing", "制造业" → "manufacturing"), from
the models' own choices. The labels are the export's column headers, so an exported file maps
itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, pgettext_lazy

from accounts.models import Attitude, BuyingRole, Category, Industry, Region, SocialStyle
from accounts.translatable import Message

ACCOUNTS, STAKEHOLDERS, TRANSACTIONS = "accounts", "stakeholders", "transactions"
KINDS = (ACCOUNTS, STAKEHOLDERS, TRANSACTIONS)


class FieldError(ValueError):
    """`message` reads in the active language; `stored` keeps it as a message (msgid and values)
    for the report, which is read later, maybe in another language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)
        self.stored = message


@dataclass(frozen=True)
class Context:
    today: date
    # Tiers by normalised code, English and Chinese name → pk; the names for messages.
    tiers: dict[str, int] = field(default_factory=dict)
    tier_names: tuple[str, ...] = ()


Parser = Callable[[object, Context], object]


@dataclass(frozen=True)
class Field:
    key: str
    label: object  # lazy translation
    parse: Parser
    attr: str | None = None  # the model attribute it fills; None: a reference to an account
    required: bool = False  # every row needs it
    required_new: bool = False  # a row that creates a record needs it
    aliases: tuple[str, ...] = ()


def normalise(text) -> str:
    """Lower case, full-width characters made plain, spaces and punctuation dropped:
    " Order / Invoice No. " and "ORDER/INVOICE NO" (also typed full-width) are the same header."""
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    return "".join(char for char in text if char.isalnum())


def _shown(value) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


# --- Parsers -------------------------------------------------------------------------------------


def text(max_length: int) -> Parser:
    def parse(value, context):
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # an ERP number Excel stored as a number
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            value = value.isoformat()
        result = str(value).strip()
        if len(result) > max_length:
            raise FieldError(
                Message(gettext_noop("“%(value)s” is longer than %(limit)s characters."))
                % {"value": _shown(result), "limit": max_length}
            )
        return result

    return parse


THOUSANDS = re.compile(r"[-+]?\d{1,3}(,\d{3})+(\.\d*)?")


def _separators(text: str) -> str:
    """1,234.56 and 1.234,56 and 12,5 (a decimal comma, usual in semicolon files) → 1234.56."""
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            return text.replace(".", "").replace(",", ".")
        return text.replace(",", "")
    if "," in text:
        return text.replace(",", "") if THOUSANDS.fullmatch(text) else text.replace(",", ".")
    return text


def _number(value) -> Decimal:
    if isinstance(value, bool):
        raise FieldError(Message(gettext_noop("“%(value)s” is not a number.")) % {"value": value})
    if isinstance(value, (int, float, Decimal)):
        number = Decimal(str(value))
    else:
        cleaned = unicodedata.normalize("NFKC", str(value))
        for mark in (" ", "\u00a0", "¥", "$", "元"):
            cleaned = cleaned.replace(mark, "")
        cleaned = _separators(cleaned)
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            raise FieldError(
                Message(gettext_noop("“%(value)s” is not a number.")) % {"value": _shown(value)}
            ) from None
    if not number.is_finite():
        raise FieldError(
            Message(gettext_noop("“%(value)s” is not a number.")) % {"value": _shown(value)}
        )
    return number


def integer(minimum: int, maximum: int) -> Parser:
    def parse(value, context):
        number = _number(value)
        if number != number.to_integral_value():
            raise FieldError(
                Message(gettext_noop("“%(value)s” is not a whole number."))
                % {"value": _shown(value)}
            )
        if number < 0 <= minimum:
            raise FieldError(Message(gettext_noop("%(value)s is negative.")) % {"value": number})
        if not minimum <= number <= maximum:
            raise FieldError(
                Message(gettext_noop("%(value)s is not between %(minimum)s and %(maximum)s."))
                % {"value": number, "minimum": minimum, "maximum": maximum}
            )
        return int(number)

    return parse


def money(max_digits: int = 14, *, positive: bool = False, negative: bool = False) -> Parser:
    """An amount in money, rounded to cents; never negative unless `negative`."""
    limit = Decimal(10) ** (max_digits - 2)

    def parse(value, context):
        number = _number(value)
        if number < 0 and not negative:
            raise FieldError(
                Message(gettext_noop("%(value)s is negative; amounts must not be negative."))
                % {"value": number}
            )
        number = number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if positive and number == 0:
            raise FieldError(Message(gettext_noop("The amount must be more than zero.")))
        if abs(number) >= limit:
            raise FieldError(Message(gettext_noop("%(value)s is too large.")) % {"value": number})
        return number

    return parse


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日", "%d.%m.%Y")


def day(*, future: bool = False) -> Parser:
    """A date; one after the import's `today` is refused unless `future`."""

    def parse(value, context):
        if isinstance(value, datetime):
            result = value.date()
        elif isinstance(value, date):
            result = value
        else:
            result = _parse_date(str(value))
        if not future and result > context.today:
            raise FieldError(
                Message(gettext_noop("%(date)s is in the future.")) % {"date": result.isoformat()}
            )
        return result

    return parse


def _parse_date(value: str) -> date:
    cleaned = unicodedata.normalize("NFKC", value).strip()
    # "2026-11-28 00:00:00" or "2026-11-28T00:00": the time is dropped.
    cleaned = cleaned.replace("T", " ").split(" ")[0]
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    raise FieldError(
        Message(gettext_noop("“%(value)s” is not a date; write it as 2026-11-28."))
        % {"value": _shown(value)}
    )


@cache
def _choice_lookup(choices) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for code, _label in choices.choices:
        lookup[normalise(code)] = code
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for code, label in choices.choices:
                lookup.setdefault(normalise(str(label)), code)
    # The everyday short forms: 支持 for 支持者, 决策 for 决策人, 分析 for 分析型.
    for word, code in list(lookup.items()):
        short = word.removesuffix("者").removesuffix("人").removesuffix("型")
        if short != word and len(short) >= 2:
            lookup.setdefault(short, code)
    return lookup


def choice(choices, noun) -> Parser:
    """A code of `choices` written as the code or as its label in English or Chinese."""

    def parse(value, context):
        code = _choice_lookup(choices).get(normalise(value))
        if code is None:
            raise FieldError(
                Message(gettext_noop("Unknown %(field)s “%(value)s”; use one of: %(choices)s."))
                % {
                    "field": noun,
                    "value": _shown(value),
                    "choices": [label for _code, label in choices.choices],
                }
            )
        return code

    return parse


TRUE_WORDS = {"yes", "y", "true", "t", "1", "是", "对", "有", "√", "✓", "x"}
FALSE_WORDS = {"no", "n", "false", "f", "0", "否", "不是", "无", "×", "✗"}


def boolean(value, context) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    word = unicodedata.normalize("NFKC", str(value)).strip().casefold()
    if word in TRUE_WORDS or word == _("Yes").casefold():
        return True
    if word in FALSE_WORDS or word == _("No").casefold():
        return False
    raise FieldError(
        Message(gettext_noop("“%(value)s” is neither yes nor no; write yes/no or 是/否."))
        % {"value": _shown(value)}
    )


def tier(value, context) -> int:
    pk = context.tiers.get(normalise(value))
    if pk is None:
        raise FieldError(
            Message(gettext_noop("Unknown tier “%(value)s”; use one of: %(choices)s."))
            % {"value": _shown(value), "choices": list(context.tier_names)}
        )
    return pk


def email(value, context) -> str:
    result = text(254)(value, context)
    try:
        EmailValidator()(result)
    except ValidationError:
        raise FieldError(
            Message(gettext_noop("“%(value)s” is not an email address."))
            % {"value": _shown(result)}
        ) from None
    return result


def website(value, context) -> str:
    result = text(200)(value, context)
    if "://" not in result:
        result = "https://" + result
    try:
        URLValidator()(result)
    except ValidationError:
        message = Message(gettext_noop("“%(value)s” is not a web address.")) % {
            "value": _shown(value)
        }
        raise FieldError(message) from None
    return result


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
