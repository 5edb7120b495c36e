"""The KPI tiles: each figure with its change against the previous period."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import floatformat
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.formatting import compact_money, money, percent
from scoring.dashboard import account_columns, drill


@dataclass(frozen=True)
class Kpi:
    name: str
    label: str
    value: object  # raw, for data-value
    value_text: str
    previous_text: str | None  # None: nothing to compare with
    change_text: str
    trend: str  # up, down, flat, none
    tone: str  # good, bad, neutral
    url: str
    detail: str = ""
    compare_text: str = ""

    @property
    def raw(self) -> str:
        return "" if self.value is None else str(self.value)


def _change(now, before, *, more_is_good: bool, unit: str) -> tuple[str, str, str]:
    """(text, trend, tone) of the move from `before` to `now`."""
    if now is None or before is None:
        return "", "none", "neutral"
    delta = Decimal(now) - Decimal(before)
    if delta == 0:
        return "±0", "flat", "neutral"
    sign = "+" if delta > 0 else "−"
    size = abs(delta)
    if unit == "points":
        text = _("%(sign)s%(number)s pts") % {"sign": sign, "number": floatformat(size, -1)}
    elif unit == "percent":
        text = f"{sign}{floatformat(size, -1)}%"
    else:
        text = f"{sign}{intcomma(int(size))}"
    good = (delta > 0) == more_is_good
    return text, "up" if delta > 0 else "down", "good" if good else "bad"


def _pct(value) -> str:
    return "—" if value is None else percent(Decimal(value) / 100)


def kpi_tiles(data, chosen: dict) -> list[Kpi]:
    total = data.total
    snapshot = data.compare_day is not None
    compare_text = (
        _("vs %(day)s") % {"day": date_format(data.compare_day, "DATE_FORMAT")}
        if snapshot
        else _("no earlier snapshot")
    )

    def prev(value):
        return value if snapshot else None

    def tile(name, label, value, value_text, before, before_text, unit, more_is_good, url, **kw):
        text, trend, tone = _change(value, before, more_is_good=more_is_good, unit=unit)
        return Kpi(
            name=name,
            label=label,
            value=value,
            value_text=value_text,
            previous_text=None if before is None else before_text,
            change_text=text,
            trend=trend,
            tone=tone,
            url=url,
            compare_text=kw.pop("compare_text", compare_text),
            **kw,
        )

    def link(**slice_values):
        return drill.drill_url(chosen, **slice_values)

    def key_share_tile(name, label, count, exception):
        """The share of key accounts that do something, in percent; the link lists those
        that do not."""
        share, previous = getattr(total, name), getattr(total, f"prev_{name}")
        return tile(
            name,
            label,
            share,
            _pct(share),
            prev(previous),
            _pct(previous),
            "points",
            True,
            link(exception=exception),
            detail=_("%(with)s of %(all)s key accounts")
            % {"with": intcomma(count), "all": intcomma(total.key_accounts)},
        )

    key_share = total.key_share
    tiles = [
        tile(
            "key_accounts",
            _("Key accounts by category"),
            total.key_accounts,
            intcomma(total.key_accounts),
            prev(total.prev_key_accounts),
            intcomma(total.prev_key_accounts),
            "count",
            True,
            link(category="key"),
            detail=_("%(share)s of revenue") % {"share": _pct(key_share)},
        ),
        tile(
            "revenue",
            _("Revenue, last 12 months"),
            total.revenue,
            compact_money(total.revenue),
            total.revenue_prev,
            compact_money(total.revenue_prev),
            "count",
            True,
            link(sort="revenue"),
            detail=money(total.revenue),
            compare_text=_("vs the 12 months before"),
        ),
        key_share_tile(
            "plan_coverage",
            _("Key accounts with an active plan"),
            total.key_with_plan,
            account_columns.NO_PLAN,
        ),
        key_share_tile(
            "visit_compliance",
            _("Key accounts visited within cadence"),
            total.key_in_cadence,
            account_columns.NOT_VISITED,
        ),
        tile(
            "satisfaction",
            _("Average satisfaction index"),
            total.satisfaction,
            "—" if total.satisfaction is None else floatformat(total.satisfaction, 1),
            prev(total.prev_satisfaction),
            "—" if total.prev_satisfaction is None else floatformat(total.prev_satisfaction, 1),
            "points",
            True,
            link(sort="satisfaction"),
            detail=ngettext(
                "%(count)s account surveyed",
                "%(count)s accounts surveyed",
                total.satisfaction_count,
            )
            % {"count": intcomma(total.satisfaction_count)},
        ),
        tile(
            "high_risk",
            _("Accounts at high churn risk"),
            total.high_risk,
            intcomma(total.high_risk),
            prev(total.prev_high_risk),
            intcomma(total.prev_high_risk),
            "count",
            False,
            link(level="high"),
            detail=_("%(revenue)s revenue at risk")
            % {"revenue": compact_money(total.high_risk_revenue)},
        ),
        tile(
            "complaints",
            _("Open complaints past due"),
            total.complaints_past_due,
            intcomma(total.complaints_past_due),
            prev(total.prev_complaints_past_due),
            intcomma(total.prev_complaints_past_due),
            "count",
            False,
            link(past_due=1),
        ),
    ]
    # The revenue tile's change is a percentage of the 12 months before.
    change = total.revenue_change
    if change is None:  # nothing sold in the 12 months before: no percentage to state
        replaced = {"change_text": "", "trend": "none", "tone": "neutral"}
    else:
        _text, trend, tone = _change(total.revenue, total.revenue_prev, more_is_good=True, unit="")
        sign = "+" if change > 0 else ("−" if change < 0 else "±")
        replaced = {
            "change_text": f"{sign}{floatformat(abs(change), 1)}%",
            "trend": trend,
            "tone": tone,
        }
    tiles[1] = Kpi(**{**tiles[1].__dict__, **replaced})
    return tiles
