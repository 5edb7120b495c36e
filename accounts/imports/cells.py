"""How a cell of an uploaded file becomes a value. A parser takes a non-empty cell and the
`Context` of the import and returns the value to store, or raises `FieldError` with a message that
names what is wrong. Choices are read by their code or by their label in any of the site's
languages ("Manufacturing", "制造业" → "manufacturing"), from the models' own choices.
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
from django.utils.translation import gettext_noop

from accounts.translatable import Message


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
