"""The accounts behind a figure of the dashboard: every chart element and tile links to that list
(views.dashboard_accounts) with the dashboard's filters and one slice (a stage, a quadrant, a risk
band…). Here: the link, the list's title and chips in words, and the rows of one page."""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, RelationshipStage
from planning.models import DevelopmentStage
from scoring.dashboard import account_columns, queries
from scoring.dashboard.filters import MOVED_CHOICES, DrillFilter
from scoring.models.assessments import Quadrant
from scoring.models.health import RiskLevel


def drill_url(chosen: dict, **slice_values) -> str:
    """The account list behind a figure: `chosen` is DashboardFilter.chosen (model instances by
    primary key); a slice given here replaces a filter of the same name (tier=…)."""
    params = {name: getattr(value, "pk", value) for name, value in chosen.items()}
    params.update({name: value for name, value in slice_values.items() if value is not None})
    query = urlencode(sorted(params.items()))
    url = reverse("scoring:dashboard_accounts")
    return f"{url}?{query}" if query else url


PAGE_SIZE = 50


# --- What the list is, in words --------------------------------------------------------------

EXCEPTION_TITLES = {
    account_columns.NO_PLAN: _("Key accounts without an active plan"),
    account_columns.NO_OWNER: _("Key accounts without an account manager"),
    account_columns.NOT_VISITED: _("Key accounts not visited within cadence"),
    account_columns.MISMATCH: _("Accounts whose quadrant disagrees with their category"),
    "any": _("Accounts with an exception"),
}


def _band_words(band: int) -> str:
    lowest = band * 10
    highest = 100 if band == account_columns.RISK_BANDS - 1 else lowest + 9
    return _("Risk %(lowest)s–%(highest)s") % {"lowest": lowest, "highest": highest}


def _slice_phrases(data: dict) -> list[str]:
    """One phrase per slice of the list, most telling first."""
    phrases = []
    if kind := data.get("exception"):
        phrases.append(str(EXCEPTION_TITLES[kind]))
    stage, moved = data.get("stage"), data.get("moved")
    if stage:
        words = _("Relationship stage: %(stage)s") % {"stage": RelationshipStage(stage).label}
        if moved:
            words = f"{words}, {dict(MOVED_CHOICES)[moved]}"
        phrases.append(words)
    elif moved == "up":
        phrases.append(_("Accounts that moved up a relationship stage this quarter"))
    elif moved == "down":
        phrases.append(_("Accounts that moved down a relationship stage this quarter"))
    if quadrant := data.get("quadrant"):
        phrases.append(_("Matrix quadrant: %(quadrant)s") % {"quadrant": Quadrant(quadrant).label})
    if (band := data.get("band")) not in (None, ""):
        phrases.append(_band_words(int(band)))
    if level := data.get("level"):
        phrases.append(_("Churn risk: %(level)s") % {"level": RiskLevel(level).label})
    if data.get("past_due"):
        phrases.append(_("Accounts with complaints past due"))
    if pipeline := data.get("pipeline"):
        phrases.append(
            _("Open opportunities at “%(stage)s”") % {"stage": DevelopmentStage(pipeline).label}
        )
    if month := data.get("month"):
        phrases.append(
            _("Traded in %(month)s") % {"month": formats.date_format(month, "YEAR_MONTH_FORMAT")}
        )
    if quarter := data.get("quarter"):
        phrases.append(_("Surveyed in %(quarter)s") % {"quarter": queries.quarter_label(quarter)})
    if top := data.get("top"):
        phrases.append(
            _("Top %(percent)s%% of accounts by revenue, last 12 months") % {"percent": top}
        )
    if data.get("tier") == "null":
        phrases.append(_("Accounts without a tier"))
    return phrases


def title(drill: DrillFilter, *, sees_all: bool) -> str:
    if not drill.is_valid():
        return _("The accounts behind a dashboard figure")
    phrases = _slice_phrases(drill.form.cleaned_data)
    if phrases:
        return " · ".join(str(phrase) for phrase in phrases)
    return _("All accounts") if sees_all else _("All your accounts")


@dataclass(frozen=True)
class Chip:
    name: str
    label: str
    remove_url: str


def _chip_value(drill: DrillFilter, name: str, value) -> str:
    if name == "tier" and value == "null":
        return str(_("No tier"))
    if name == "band":
        return _band_words(int(value))
    if name == "month":
        return formats.date_format(value, "YEAR_MONTH_FORMAT")
    if name == "quarter":
        return queries.quarter_label(value)
    field = drill.form.fields[name]
    if hasattr(field, "choices") and not hasattr(value, "pk"):
        return str(dict(field.choices).get(value, value))
    return str(value)


def chips(drill: DrillFilter, request) -> list[Chip]:
    """The active filters, each with the link that drops it (and the page number)."""
    if not drill.is_valid():
        return []
    found = []
    for name, value in drill.form.cleaned_data.items():
        if name == "sort" or value in (None, ""):
            continue
        params = request.GET.copy()
        params.pop(name, None)
        params.pop("page", None)
        query = params.urlencode()
        url = request.path + (f"?{query}" if query else "")
        label = f"{drill.form.fields[name].label}: {_chip_value(drill, name, value)}"
        found.append(Chip(name, label, url))
    return found


# --- The page ------------------------------------------------------------------------------


def page_rows(account_ids: list[int], *, today: datetime.date) -> list[Account]:
    """One page of the list, whole and in order, in one query: the facts of 50 accounts."""
    rows = account_columns.with_columns(
        Account.objects.filter(pk__in=account_ids), today=today, compare_before=None
    ).select_related("owner", "tier")
    position = {pk: index for index, pk in enumerate(account_ids)}
    accounts = sorted(rows, key=lambda account: position[account.pk])
    for account in accounts:
        account.exceptions = [
            (kind, account_columns.EXCEPTION_BADGES[kind])
            for kind in account_columns.EXCEPTIONS
            if getattr(account, f"f_{kind}")
        ]
        account.level_label = RiskLevel(account.f_level).label if account.f_level else ""
    return accounts
