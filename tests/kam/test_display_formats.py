"""One date format and one date-time format per language, and amounts grouped the same way
everywhere (issue 17, defect 10): "12/08/2026 12:44 a.m." beside "Dec. 7, 2026, 9 a.m.", and
"3877.00" beside "3,877.00", must not come back."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from accounts.history import account_history
from scoring.models import ValueScorecard
from scoring.scorecard.queries import recent_changes

ROOT = Path(settings.BASE_DIR)
SOURCE_DIRS = ("accounts", "planning", "scoring", "kam", "templates")

# The named formats a page may use: the one date, the one date-time, a time of today, a month; "c"
# is ISO 8601 for machines (datetime="…" attributes), never for people.
ALLOWED = {"DATE_FORMAT", "DATETIME_FORMAT", "TIME_FORMAT", "YEAR_MONTH_FORMAT", "c"}
# A chart's axis tick is a month's abbreviation, not a date.
ALLOWED_IN = {"scoring/dashboard/charts/trends.py": {"M"}}

TEMPLATE_FORMATS = re.compile(
    r"""\|date(?::(["'])(?P<format>[^"']*)\1)?|\{%\s*now\s+(["'])(?P<now>[^"']*)\3"""
)
PYTHON_FORMATS = re.compile(
    r"""date_format\([^()]*?(?:\([^()]*\)[^()]*?)*,\s*(["'])(?P<format>[^"']*)\1"""
)


def _sources(suffixes):
    for top in SOURCE_DIRS:
        for path in sorted((ROOT / top).rglob("*")):
            if path.suffix in suffixes and "migrations" not in path.parts:
                yield path


def _ad_hoc_formats(paths, pattern) -> list[str]:
    found = []
    for path in paths:
        relative = path.relative_to(ROOT).as_posix()
        allowed = ALLOWED | ALLOWED_IN.get(relative, set())
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            used = match.groupdict().get("format") or match.groupdict().get("now")
            if used is None:
                continue  # |date alone is DATE_FORMAT
            if used not in allowed:
                found.append(f"{relative}: {match.group(0)}")
    return found


def test_templates_use_only_the_named_date_formats():
    assert _ad_hoc_formats(_sources({".html", ".txt"}), TEMPLATE_FORMATS) == []


def test_python_code_uses_only_the_named_date_formats():
    assert _ad_hoc_formats(_sources({".py"}), PYTHON_FORMATS) == []


def test_the_scan_catches_an_ad_hoc_format():
    page = '{{ a|date:"SHORT_DATE_FORMAT" }} {{ b|date:"d/m/Y" }} {{ c|date }} {% now "Y-m-d" %}'
    code = 'date_format(timezone.localtime(x), "SHORT_DATETIME_FORMAT")'
    template_hits = [m.group("format") or m.group("now") for m in TEMPLATE_FORMATS.finditer(page)]
    python_hits = [m.group("format") for m in PYTHON_FORMATS.finditer(code)]
    assert template_hits == ["SHORT_DATE_FORMAT", "d/m/Y", None, "Y-m-d"]
    assert python_hits == ["SHORT_DATETIME_FORMAT"]


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_each_language_has_one_date_and_one_date_time_format(language):
    """Third-party templates (admin, django-filter…) use the short forms: they read the same."""
    moment = timezone.make_aware(datetime.datetime(2026, 12, 8, 0, 44))
    with translation.override(language):
        assert date_format(moment.date(), "SHORT_DATE_FORMAT") == date_format(
            moment.date(), "DATE_FORMAT"
        )
        assert date_format(moment, "SHORT_DATETIME_FORMAT") == date_format(
            moment, "DATETIME_FORMAT"
        )
        assert date_format(moment.date()).startswith(date_format(moment.date(), "DATE_FORMAT"))


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_history_groups_amounts_like_every_other_figure(language, account):
    account.annual_revenue = Decimal("3877.00")
    account.save()
    account.annual_revenue = Decimal("1234567.50")
    account.save()
    with translation.override(language):
        changes = {c.label: (c.old, c.new) for c in account_history(account)[0].changes}
    revenue = next(pair for label, pair in changes.items() if "3" in pair[0])
    assert revenue == ("3,877.00", "1,234,567.50")


@pytest.mark.django_db
def test_the_history_shows_dates_in_the_one_format(client_for, owner, account):
    from accounts import services

    complaint = services.complaint_open(
        actor=owner, account=account, title="Late", category="billing"
    )
    complaint.due_on = datetime.date(2027, 1, 15)
    complaint.save()
    body = client_for(owner).get(reverse("accounts:history", args=[account.pk])).content.decode()
    assert "Jan. 15, 2027" in body
    assert "2027-01-15" not in body


@pytest.mark.django_db
def test_the_scorecard_history_groups_amounts(account):
    card = ValueScorecard.objects.create(account=account, revenue_target=Decimal("3877.00"))
    card.revenue_target = Decimal("4000000.00")
    card.save()
    change = recent_changes(card)[0].changes[0]
    assert (change.old, change.new) == ("3,877", "4,000,000")
