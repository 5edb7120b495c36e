"""Locale-aware money, percentages and lists: plain functions for Python code (charts, explanations,
the dashboard's tiles) and, through the thin `kam_format` template filters, for templates.

In accounts, the bottom layer, so every app may use them (DESIGN.md §2: no app imports kam)."""

from decimal import Decimal, InvalidOperation

from babel import Locale
from babel.numbers import format_compact_currency, format_currency, format_percent, parse_pattern
from django.conf import settings
from django.utils.translation import get_language, pgettext

MISSING = "—"
# Whole units of the currency, the minus before the sign: "¥12,346", "-¥1,200".
WHOLE_MONEY = "¤#,##0;-¤#,##0"


def list_of(items) -> str:
    """Items listed the language's way: "a, b, c" in English, "a、b、c" in Chinese."""
    return pgettext("list separator", ", ").join(str(item) for item in items)


def babel_locale() -> str:
    language = (get_language() or settings.LANGUAGE_CODE).lower()
    if language.startswith("zh"):
        return "zh_Hans_CN"
    return "en_US" if language == "en" else language.replace("-", "_")


def money(value, decimals=0) -> str:
    """12345.6 → "¥12,346" (zh-hans) or "CN¥12,346" (en), in the configured currency."""
    if value is None or value == "":
        return MISSING
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return MISSING
    decimals = int(decimals)
    return format_currency(
        amount,
        settings.KAM_CURRENCY,
        format=WHOLE_MONEY if decimals == 0 else None,
        locale=babel_locale(),
        currency_digits=decimals != 0,
    )


def money_formatter():
    """`money` for many values: the locale and pattern parsed once (at 300 bubbles, parsing them
    for each value was most of the charts' time)."""
    locale = Locale.parse(babel_locale())
    pattern = parse_pattern(WHOLE_MONEY)
    currency = settings.KAM_CURRENCY

    def format_money(value) -> str:
        if value is None:
            return MISSING
        return pattern.apply(Decimal(value), locale, currency=currency, currency_digits=False)

    return format_money


def compact_money(value) -> str:
    """¥1.2M / ¥123.5万: short enough for an axis or a bar end."""
    return format_compact_currency(
        Decimal(value or 0), settings.KAM_CURRENCY, locale=babel_locale(), fraction_digits=1
    )


def percent(value, decimals=0) -> str:
    """0.125 → "13%" (or "12.5%" with decimals=1)."""
    if value is None or value == "":
        return MISSING
    decimals = int(decimals)
    pattern = "#,##0%" if decimals == 0 else "#,##0." + "0" * decimals + "%"
    return format_percent(value, format=pattern, locale=babel_locale())


def signed_percent(value, decimals=0) -> str:
    if value is None:
        return MISSING
    text = percent(value, decimals)
    return f"+{text}" if value > 0 else text
