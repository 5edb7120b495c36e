"""Two people saving the same record from stale forms: the second save is refused, with both
versions shown, and nothing is overwritten silently (DESIGN.md §6).

One mechanism for every record people edit:

- the record is `accounts.models.Versioned`: a version number (`row_version`) that every write
  moves on by one;
- its form is a `VersionedForm`, which carries the version it was loaded at in a hidden field;
- the service that writes it calls `claim(record, expected_version=form.expected_version)` first,
  inside its transaction: a conditional UPDATE that moves the version on only if it is still the
  one the form was loaded at, and locks the row until the transaction ends. Otherwise it raises
  `EditConflict`, a ValidationError, so views show it with `add_service_errors` like any other;
- `add_service_errors` hands a conflict to the form, which keeps the person's input, takes the
  stored version (so saving again is allowed once they have merged) and lists, field by field,
  what they typed beside what is stored now (templates/components/edit_conflict.html).

Records written many at a time (imports, tier rules) move the version on in the same statement,
`row_version=F("row_version") + 1`, so an open form notices those changes too.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.formatting import list_of

CODE = "edit_conflict"


class EditConflict(ValidationError):
    """The record changed (or was deleted) after the form was loaded. `current` is the record as
    stored now (None when it is gone); `changed_by` and `changed_at` say who changed it last and
    when, from its history (None when unknown: a background job, or no history kept)."""

    def __init__(self, *, model, pk, current, changed_by=None, changed_at=None, what=None):
        self.model = model
        self.pk = pk
        self.current = current
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.what = what or model._meta.verbose_name
        super().__init__(self._message(), code=CODE)

    @classmethod
    def about(cls, record: Model, *, what=None) -> EditConflict:
        """The conflict over `record`, read as it is stored now."""
        model = type(record)
        current = model._base_manager.filter(pk=record.pk).first()
        changed_by, changed_at = last_change(model, record.pk, current)
        return cls(
            model=model,
            pk=record.pk,
            current=current,
            changed_by=changed_by,
            changed_at=changed_at,
            what=what,
        )

    def _message(self) -> str:
        who = str(self.changed_by) if self.changed_by else _("Someone else")
        when = _when(self.changed_at)
        if self.current is None:
            return _(
                "%(who)s deleted this %(what)s while you were editing it; your changes could not "
                "be saved."
            ) % {"who": who, "what": self.what}
        if when:
            said = _("%(who)s changed this %(what)s at %(when)s.") % {
                "who": who,
                "what": self.what,
                "when": when,
            }
        else:
            said = _("%(who)s changed this %(what)s after you opened it.") % {
                "who": who,
                "what": self.what,
            }
        return " ".join(
            [
                said,
                _(
                    "Your changes have not been saved, so nothing of theirs was overwritten: look "
                    "again, then decide."
                ),
            ]
        )


def _when(moment: datetime.datetime | None) -> str:
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return date_format(local, "TIME_FORMAT")
    return date_format(local, "DATETIME_FORMAT")


def last_change(model, pk, current=None) -> tuple[object | None, datetime.datetime | None]:
    """Who wrote the record last and when, from its history (simple_history), else from its own
    `updated_by` / `updated_at` fields."""
    history = getattr(model, "history", None)
    if history is not None:
        record = (
            history.filter(id=pk)
            .select_related("history_user")
            .order_by("-history_date", "-history_id")
            .first()
        )
        if record is not None:
            return record.history_user, record.history_date
    if current is not None:
        return getattr(current, "updated_by", None), getattr(current, "updated_at", None)
    return None, None


def claim(record: Model, *, expected_version: int) -> None:
    """Take `record` for this transaction if it is still at `expected_version` (the version its
    form was loaded at): move its version on and lock its row until the transaction ends.
    Otherwise raise EditConflict. Call it inside `transaction.atomic`, before any write."""
    if expected_version is None:
        raise TypeError("claim() needs the version the form was loaded at")
    model = type(record)
    claimed = model._base_manager.filter(pk=record.pk, row_version=expected_version).update(
        row_version=expected_version + 1
    )
    if not claimed:
        raise EditConflict.about(record)
    record.row_version = expected_version + 1
    record._version_claimed = True


def nothing_changed() -> None:
    """Call after claim() when the form asked for what is stored already: gives back the version
    claim() took (the service's transaction is rolled back, and it wrote nothing else), so no
    other open form is told of a change that did not happen."""
    transaction.set_rollback(True)


def check_unchanged(record: Model, *, expected_version: int) -> None:
    """For acting on a record as a page showed it without editing it (applying the tier rules
    that were previewed): lock its row until the transaction ends and raise EditConflict if it
    is no longer at `expected_version`. Its version does not move, so nobody else's open form of
    it goes stale."""
    model = type(record)
    stored = (
        model._base_manager.select_for_update()
        .filter(pk=record.pk)
        .values_list("row_version", flat=True)
        .first()
    )
    if stored != expected_version:
        raise EditConflict.about(record)


def claim_for_save(record: Model) -> None:
    """Called by Versioned.save(): claim the row at the version this copy was read at, unless a
    service claimed it already in this transaction."""
    if getattr(record, "_version_claimed", False):
        record._version_claimed = False
        return
    claim(record, expected_version=record.row_version)
    record._version_claimed = False


# --- Forms ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictRow:
    name: str  # the field's name in the form, for the "use the stored value" button
    label: str
    yours: str
    stored: str
    stored_value: str  # the stored value as the field's widget writes it
    can_copy: bool  # a single value the button can put back into the field


@dataclass(frozen=True)
class Conflict:
    message: str
    rows: list[ConflictRow]
    deleted: bool


class VersionField(forms.IntegerField):
    """The version a form was loaded at. Never a change of the record itself, so it stays out of
    `form.changed_data`."""

    widget = forms.HiddenInput

    def has_changed(self, initial, data) -> bool:
        return False


class VersionedForm(forms.Form):
    """A form that edits a Versioned record. It carries the version it was loaded at (a hidden
    field; `expected_version` to hand to the service), and when the service answers
    EditConflict, `show_conflict` keeps what the person typed and lists the differences.

    Put it first among the bases: `class AccountForm(VersionedForm, forms.ModelForm)`. A form
    that is not a ModelForm passes `row_version=` and overrides `stored_initial(current)`."""

    row_version = VersionField(min_value=0)
    missing_version_message = gettext_lazy(
        "This form did not say when it was opened, so nothing was saved: someone may have "
        "changed the record since. Save again to keep these values."
    )

    def __init__(self, *args, row_version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if row_version is None:
            instance = getattr(self, "instance", None)
            row_version = instance.row_version if instance is not None and instance.pk else 0
        self.initial["row_version"] = row_version
        self.conflict: Conflict | None = None

    def full_clean(self):
        """A form posted without its version (a page opened before an upgrade, a hand-made
        request) says so at the top, where a person sees it, rather than on the hidden field;
        it takes the version stored now, so saving again after checking goes through."""
        super().full_clean()
        if self._errors is not None and "row_version" in self._errors:
            del self._errors["row_version"]
            self.add_error(None, self.missing_version_message)
            data = self.data.copy()
            data[self.add_prefix("row_version")] = str(self.initial.get("row_version", 0))
            self.data = data

    # crispy renders only what a layout names; the hidden version must always go with the form.
    @property
    def helper(self):
        return self._helper

    @helper.setter
    def helper(self, helper):
        helper.render_hidden_fields = True
        self._helper = helper

    @property
    def expected_version(self) -> int:
        return self.cleaned_data["row_version"]

    def stored_initial(self, current) -> dict:
        """The form's initial values for the record as stored now (what a fresh GET shows)."""
        if isinstance(self, forms.BaseModelForm):
            names = [name for name in self.fields if name in _model_field_names(current)]
            return model_to_dict(current, fields=names)
        raise NotImplementedError(f"{type(self).__name__} must define stored_initial()")

    def show_conflict(self, error: EditConflict, extra_rows: list[ConflictRow] = ()) -> None:
        rows = [] if error.current is None else self._differences(error.current)
        self.conflict = Conflict(
            message=error.messages[0], rows=[*rows, *extra_rows], deleted=error.current is None
        )
        if error.current is not None:
            data = self.data.copy()
            data[self.add_prefix("row_version")] = str(error.current.row_version)
            self.data = data
        self.add_error(None, error)

    def _differences(self, current) -> list[ConflictRow]:
        return differences(self, self.stored_initial(current))


def differences(form, stored: dict) -> list[ConflictRow]:
    """The fields of `form` (bound) whose typed value differs from `stored` (the form's initial
    values for the record as stored now), as rows of the comparison."""
    rows = []
    for name, field in form.fields.items():
        if name == "row_version" or field.widget.is_hidden or name not in stored:
            continue
        bound = form[name]
        stored_value = stored[name]
        if callable(stored_value):
            stored_value = stored_value()
        if not field.has_changed(stored_value, bound.data):
            continue
        yours = getattr(form, "cleaned_data", {}).get(name, bound.data)
        rows.append(
            ConflictRow(
                name=bound.html_name,
                label=str(bound.label or name),
                yours=display_value(field, yours),
                stored=display_value(field, stored_value),
                stored_value=_widget_value(field, stored_value),
                # One button fills one value; a list of ticks is merged by hand.
                can_copy=not isinstance(
                    field, (forms.MultipleChoiceField, forms.ModelMultipleChoiceField)
                ),
            )
        )
    return rows


class EditOrCreateForm(VersionedForm):
    """A ModelForm that both creates a record and edits it. Only an edit carries the version it
    was loaded at: a new record has nothing stored that a save could overwrite. Put it first
    among the bases, like VersionedForm."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            del self.fields["row_version"]


class ButtonForm(VersionedForm):
    """What a button that changes a record at once posts (mark done, cancel, publish, delete):
    the version of the record its page showed, in `<input type="hidden" name="row_version">`.
    Nothing typed to keep, so a refusal is told in a message over the page shown again:
    `messages.error(request, form.refusal())`, or the EditConflict's own message."""

    missing_version_message = gettext_lazy(
        "This page was out of date, so nothing was changed: look at it again, then try once more."
    )

    def stored_initial(self, current) -> dict:
        return {}

    def refusal(self) -> str:
        return " ".join(message for errors in self.errors.values() for message in errors)


def _model_field_names(record) -> set[str]:
    return {f.name for f in record._meta.get_fields()}


def _widget_value(field, value) -> str:
    prepared = field.prepare_value(value)
    if isinstance(prepared, bool):
        return "on" if prepared else ""
    if isinstance(prepared, (datetime.date, datetime.datetime)):
        return prepared.isoformat()
    if prepared is None:
        return ""
    formatted = field.widget.format_value(prepared)
    if isinstance(formatted, (list, tuple)):  # a select or radio list formats as ["3"]
        formatted = formatted[0] if formatted else ""
    return "" if formatted is None else str(formatted)


def display_value(field, value) -> str:
    """A value of `field` as a person reads it: choice labels, names, yes/no, dates."""
    if value is None or value == "" or (isinstance(value, (list, tuple, set)) and not value):
        return "—"
    if isinstance(field, forms.ModelChoiceField):  # ModelMultipleChoiceField is one too
        many = isinstance(field, forms.ModelMultipleChoiceField)
        items = list(value) if many else [value]
        keys = [item.pk if isinstance(item, Model) else item for item in items]
        names = {
            str(obj.pk): str(obj) for obj in field.queryset.model._base_manager.filter(pk__in=keys)
        }
        return list_of(names.get(str(key), str(key)) for key in keys)
    if isinstance(field, forms.BooleanField):
        return _("yes") if value else _("no")
    if hasattr(field, "choices"):
        labels = {str(key): label for key, label in _flat_choices(field.choices)}
        items = value if isinstance(value, (list, tuple, set)) else [value]
        return list_of(labels.get(str(item), item) for item in items)
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    if isinstance(value, Decimal):
        return number_format(value, force_grouping=True)
    return str(value)


def _flat_choices(choices):
    for key, label in choices:
        if isinstance(label, (list, tuple)):
            yield from _flat_choices(label)
        else:
            yield key, label
