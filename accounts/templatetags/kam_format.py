"""Locale-aware money, percentages and small display helpers for templates (`{% load kam_format %}`)
and for the charts and explanations the apps build in Python. In accounts, the bottom layer, so
every app may use them (DESIGN.md §2: no app imports kam)."""

from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency, format_percent
from django import template
from django.conf import settings
from django.utils.translation import get_language, pgettext

register = template.Library()


def list_of(items) -> str:
    """Items listed the language's way: "a, b, c" in English, "a、b、c" in Chinese."""
    return pgettext("list separator", ", ").join(str(item) for item in items)


@register.filter(name="list_of")
def list_of_filter(items) -> str:
    return list_of(items)


def babel_locale() -> str:
    language = (get_language() or settings.LANGUAGE_CODE).lower()
    if language.startswith("zh"):
        return "zh_Hans_CN"
    return "en_US" if language == "en" else language.replace("-", "_")


@register.filter
def money(value, decimals=0):
    """12345.6 → "¥12,346" (zh-hans) or "CN¥12,346" (en), in the configured currency."""
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return "—"
    decimals = int(decimals)
    pattern = None
    if decimals == 0:
        pattern = "¤#,##0;-¤#,##0"
    return format_currency(
        amount,
        settings.KAM_CURRENCY,
        format=pattern,
        locale=babel_locale(),
        currency_digits=decimals != 0,
    )


@register.filter
def percent(value, decimals=0):
    """0.125 → "13%" (or "12.5%" with decimals=1)."""
    if value is None or value == "":
        return "—"
    decimals = int(decimals)
    pattern = "#,##0%" if decimals == 0 else "#,##0." + "0" * decimals + "%"
    return format_percent(value, format=pattern, locale=babel_locale())


@register.filter
def signed_percent(value, decimals=0):
    if value is None:
        return "—"
    text = percent(value, decimals)
    return f"+{text}" if value > 0 else text
