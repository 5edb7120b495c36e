"""Numbers for the dashboard's charts: SVG coordinates, money for many values, axis maxima."""

from __future__ import annotations

from decimal import Decimal

from babel import Locale
from babel.numbers import format_compact_currency, parse_pattern
from django.conf import settings

from accounts.templatetags.kam_format import babel_locale


def svg_number(value: float) -> str:
    """An SVG coordinate: one decimal, never localised."""
    return f"{value:.1f}"


def money_formatter():
    """kam_format.money for many values: the locale and pattern parsed once (at 300 bubbles,
    parsing them for each value was most of the charts' time)."""
    locale = Locale.parse(babel_locale())
    pattern = parse_pattern("¤#,##0;-¤#,##0")
    currency = settings.KAM_CURRENCY

    def format_money(value) -> str:
        if value is None:
            return "—"
        return pattern.apply(Decimal(value), locale, currency=currency, currency_digits=False)

    return format_money


def compact_money(value) -> str:
    """¥1.2M / ¥123.5万: short enough for an axis or a bar end."""
    return format_compact_currency(
        Decimal(value or 0), settings.KAM_CURRENCY, locale=babel_locale(), fraction_digits=1
    )


def nice_ceiling(value: float, *, integer: bool = False) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^k at or above `value` (an axis maximum)."""
    if value <= 0:
        return 5 if integer else 1
    magnitude = 10 ** (len(str(int(value))) - 1) if value >= 1 else 1
    if value < 1:
        magnitude = 0.1
        while magnitude > value:
            magnitude /= 10
    for step in (1, 2, 2.5, 5, 10):
        ceiling = step * magnitude
        if ceiling >= value and (not integer or float(ceiling).is_integer()):
            return max(ceiling, 5) if integer else ceiling
    return 10 * magnitude


def scale(value, largest, size: float) -> float:
    """`value` as a length out of `size`, which `largest` fills (0 when nothing is largest)."""
    return float(value) / float(largest) * size if largest and float(largest) > 0 else 0.0
