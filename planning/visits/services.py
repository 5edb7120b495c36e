"""Write side of visits: prepare, report, cancel, tick off the next step. Every rule (attendees
from this account and its team, the next step with a future date, report only once) is checked
here whatever form or script sent the data. Reporting also brings the coverage's last contact
forward for every pair of our attendees by their attendees, in the same transaction.

The preparation, the report and the buttons all change the one visit row: each names the version
of the visit its page showed (`expected_version`), and is refused with EditConflict if anyone
saved the visit since (which also stops two reports of the same visit from both going through)."""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts import access
from accounts.conflicts import claim
from accounts.coverage.queries import team_seats
from accounts.models import Account, Coverage, CoverageStrength, StakeholderStatus
from planning.models import Visit, VisitStatus
from planning.plans.progress import shift_years

PREPARE_FIELDS = (
    "starts_at",
    "kind",
    "objective",
    "situation_questions",
    "problem_questions",
    "implication_questions",
    "need_payoff_questions",
    "expected_objections",
    "concession_limit",
)
REPORT_FIELDS = (
    "outcome",
    "buying_signals",
    "commitment",
    "next_step",
    "next_step_on",
    "helped_them",
    "helped_us",
    "helped_relationship",
)


# How far from today a visit or its next step may be dated: a plan looks a year or two ahead,
# and a visit typed in afterwards is recent; 2099 or 1926 is a typing slip.
YEARS_AHEAD = 2
YEARS_BACK = 5


def _date_bounds_error(on: date, today: date, *, allow_past: bool) -> str | None:
    latest = shift_years(today, YEARS_AHEAD)
    if on > latest:
        return ngettext(
            "Choose a date at most %(years)s year ahead (by %(latest)s).",
            "Choose a date at most %(years)s years ahead (by %(latest)s).",
            YEARS_AHEAD,
        ) % {"years": YEARS_AHEAD, "latest": date_format(latest, "DATE_FORMAT")}
    earliest = shift_years(today, -YEARS_BACK)
    if allow_past and on < earliest:
        return ngettext(
            "Choose a date at most %(years)s year back (from %(earliest)s).",
            "Choose a date at most %(years)s years back (from %(earliest)s).",
            YEARS_BACK,
        ) % {"years": YEARS_BACK, "earliest": date_format(earliest, "DATE_FORMAT")}
    return None


def _with_history_user(instance, actor):
    instance._history_user = actor
    return instance


def _claim(visit: Visit, account: Account, expected_version: int) -> None:
    """Take the visit for this transaction if it is still at the version its page showed (its
    row stays locked until the transaction ends)."""
    if visit.account_id != account.pk:
        raise ValidationError(_("This visit belongs to another account."))
    claim(visit, expected_version=expected_version)


def _check_people(account: Account, visit: Visit | None, attendees, our_attendees) -> dict:
    errors = {}
    already = set(visit.attendees.values_list("pk", flat=True)) if visit and visit.pk else set()
    for person in attendees:
        if person.account_id != account.pk:
            errors["attendees"] = _("Choose people who work at %(account)s.") % {"account": account}
            break
        if person.status != StakeholderStatus.ACTIVE and person.pk not in already:
            errors["attendees"] = _("%(name)s has left the company.") % {"name": person.name}
            break
    team = {seat.user.pk for seat in team_seats(account)}
    if any(user.pk not in team for user in our_attendees):
        errors["our_attendees"] = _("Choose people from the account team.")
    return errors


@transaction.atomic
def visit_save(
    *,
    actor,
    account: Account,
    visit: Visit | None = None,
    expected_version: int | None = None,
    fields: dict,
    attendees: Iterable,
    our_attendees: Iterable,
) -> Visit:
    """Prepare a new visit (visit=None) or change the preparation of a planned one, from a form
    loaded at `expected_version`."""
    access.require_edit(actor, account)
    unknown = set(fields) - set(PREPARE_FIELDS)
    if unknown:
        raise TypeError(f"unknown visit fields: {sorted(unknown)}")
    attendees, our_attendees = list(attendees), list(our_attendees)
    if visit is None:
        visit = Visit(account=account, created_by=actor)
    else:
        _claim(visit, account, expected_version)
        if visit.status != VisitStatus.PLANNED:
            raise ValidationError(_("Only a planned visit can be changed."))
    for name, value in fields.items():
        setattr(visit, name, value.strip() if isinstance(value, str) else value)
    errors = _check_people(account, visit, attendees, our_attendees)
    if not (visit.objective or "").strip():
        errors["objective"] = _("Say what this visit should achieve.")
    if visit.starts_at is None:
        errors["starts_at"] = _("Give the date and time.")
    elif visit.pk is None or _moved(visit):
        today = timezone.localdate()
        out_of_bounds = _date_bounds_error(
            timezone.localdate(visit.starts_at), today, allow_past=True
        )
        if out_of_bounds:
            errors["starts_at"] = out_of_bounds
    if errors:
        raise ValidationError(errors)
    visit.full_clean(exclude=["account", "created_by"])
    _with_history_user(visit, actor).save()
    visit.attendees.set(attendees)
    visit.our_attendees.set(our_attendees)
    return visit


def _moved(visit: Visit) -> bool:
    """Whether the preparation moves the visit's date (one stored a while ago stays savable)."""
    stored = Visit.objects.filter(pk=visit.pk).values_list("starts_at", flat=True).first()
    return stored != visit.starts_at


def _check_report(visit: Visit, fields: dict, today: date) -> dict:
    errors = {}
    if not (fields.get("outcome") or "").strip():
        errors["outcome"] = _("Say how the visit went.")
    if not fields.get("commitment"):
        errors["commitment"] = _("Choose the commitment you obtained, or “None obtained”.")
    step, due = (fields.get("next_step") or "").strip(), fields.get("next_step_on")
    if step and due is None:
        errors["next_step_on"] = _("Give the date of the next step.")
    elif due is not None and not step:
        errors["next_step"] = _("Say what the next step is, or clear its date.")
    elif due is not None and due < today:
        errors["next_step_on"] = _("The next step cannot be in the past.")
    elif due is not None and (too_far := _date_bounds_error(due, today, allow_past=False)):
        errors["next_step_on"] = too_far
    for name in ("helped_them", "helped_us", "helped_relationship"):
        if fields.get(name) is None:
            errors[name] = _("Answer yes or no.")
    return errors


def coverage_update_from_visit(*, actor, visit: Visit) -> int:
    """Bring each (our attendee, their attendee) pair's last contact forward to the visit date,
    creating the row with strength 1 where none exists. Never moves a later date back. Set-based:
    one read, one bulk update, one bulk insert (each with its history rows). Returns the number of
    rows written."""
    access.require_edit(actor, visit.account)
    on = timezone.localdate(visit.starts_at)
    users = [user.pk for user in visit.our_attendees.all()]
    people = [person.pk for person in visit.attendees.all()]
    if not users or not people:
        return 0
    existing = {
        (row.stakeholder_id, row.user_id): row
        for row in Coverage.objects.select_for_update().filter(
            stakeholder_id__in=people, user_id__in=users
        )
    }
    stale = [row for row in existing.values() if row.last_contact is None or row.last_contact < on]
    for row in stale:
        row.last_contact = on
        row.updated_at = timezone.now()  # bulk_update skips auto_now
        row.row_version += 1  # rows are locked above: an open coverage form sees the change
    new = [
        Coverage(
            stakeholder_id=person,
            user_id=user,
            strength=CoverageStrength.ACQUAINTED,
            last_contact=on,
        )
        for person in people
        for user in users
        if (person, user) not in existing
    ]
    reason = _("Visit reported")
    if stale:
        bulk_update_with_history(
            stale,
            Coverage,
            ["last_contact", "updated_at", "row_version"],
            default_user=actor,
            default_change_reason=reason,
        )
    if new:
        bulk_create_with_history(new, Coverage, default_user=actor, default_change_reason=reason)
    return len(stale) + len(new)


@transaction.atomic
def visit_report(
    *, actor, account: Account, visit: Visit, expected_version: int, fields: dict
) -> Visit:
    """Report a planned visit that has taken place, from a form loaded at `expected_version`,
    and update the coverage from it."""
    access.require_edit(actor, account)
    unknown = set(fields) - set(REPORT_FIELDS)
    if unknown:
        raise TypeError(f"unknown report fields: {sorted(unknown)}")
    _claim(visit, account, expected_version)
    if visit.status != VisitStatus.PLANNED:
        raise ValidationError(
            _("This visit is already %(status)s: it cannot be reported.")
            % {"status": visit.get_status_display().lower()}
        )
    today = timezone.localdate()
    if timezone.localdate(visit.starts_at) > today:
        raise ValidationError(_("This visit has not taken place yet: report it afterwards."))
    errors = _check_report(visit, fields, today)
    if errors:
        raise ValidationError(errors)
    for name, value in fields.items():
        setattr(visit, name, value.strip() if isinstance(value, str) else value)
    visit.status = VisitStatus.REPORTED
    visit.reported_at = timezone.now()
    visit.next_step_done = False
    visit.full_clean(exclude=["account", "created_by"])
    _with_history_user(visit, actor).save()
    coverage_update_from_visit(actor=actor, visit=visit)
    return visit


@transaction.atomic
def visit_cancel(*, actor, account: Account, visit: Visit, expected_version: int) -> Visit:
    access.require_edit(actor, account)
    _claim(visit, account, expected_version)
    if visit.status != VisitStatus.PLANNED:
        raise ValidationError(_("Only a planned visit can be cancelled."))
    visit.status = VisitStatus.CANCELLED
    _with_history_user(visit, actor).save()
    return visit


@transaction.atomic
def visit_next_step_done(*, actor, account: Account, visit: Visit, expected_version: int) -> Visit:
    access.require_edit(actor, account)
    _claim(visit, account, expected_version)
    if visit.status != VisitStatus.REPORTED or not visit.next_step:
        raise ValidationError(_("This visit has no next step to mark as done."))
    if not visit.next_step_done:
        visit.next_step_done = True
        _with_history_user(visit, actor).save()
    return visit
