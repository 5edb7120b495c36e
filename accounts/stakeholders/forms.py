import contextlib
import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.forms.models import model_to_dict
from django.forms.utils import ErrorDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.conflicts import ConflictRow, VersionedForm, differences
from accounts.forms import DateInput
from accounts.models import (
    Account,
    NeedExpression,
    NeedOpenness,
    NeedScope,
    Stakeholder,
    StakeholderNeed,
    StakeholderPrivateNote,
)
from accounts.stakeholders import queries
from accounts.stakeholders.services import NEED_FIELDS, NOTE_FIELDS, STAKEHOLDER_FIELDS


class StakeholderForm(forms.ModelForm):
    class Meta:
        model = Stakeholder
        fields = list(STAKEHOLDER_FIELDS)
        widgets = {
            "influence": forms.NumberInput(attrs={"min": 1, "max": 5}),
            "involvement": forms.NumberInput(attrs={"min": 1, "max": 5}),
            "motivations": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account
        self.fields["reports_to"].queryset = queries.reports_to_choices(account, self.instance)
        self.fields["reports_to"].empty_label = _("Nobody in this account (top of the chart)")
        self.fields["social_style"].choices = [
            ("", _("Not known yet")),
            *self.fields["social_style"].choices[1:],
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(
                _("Who they are"),
                Row(Column("name", css_class="col-md-6"), Column("title", css_class="col-md-6")),
                Row(
                    Column("department", css_class="col-md-6"),
                    Column("reports_to", css_class="col-md-6"),
                ),
            ),
            Fieldset(
                _("Their part in the decision"),
                Row(
                    Column("buying_role", css_class="col-md-6"),
                    Column("attitude", css_class="col-md-6"),
                ),
                Row(
                    Column("influence", css_class="col-md-4"),
                    Column("involvement", css_class="col-md-4"),
                    Column("social_style", css_class="col-md-4"),
                ),
                "motivations",
            ),
            Fieldset(
                _("Contact details"),
                Row(
                    Column("email", css_class="col-md-4"),
                    Column("phone", css_class="col-md-4"),
                    Column("wechat", css_class="col-md-4"),
                ),
            ),
        )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the person's name."))
        return name

    def validate_constraints(self):
        # The services report the reporting-line rules on the reports_to field; the database
        # check on it would repeat them as a form-wide message.
        try:
            self.instance.validate_constraints(exclude={"account", "reports_to"})
        except forms.ValidationError as error:
            self._update_errors(error)


class StakeholderEditForm(VersionedForm, StakeholderForm):
    """A stored person's form. Its version covers their needs and private notes too (they are
    saved with the person: services.stakeholder_save)."""


class NeedForm(forms.ModelForm):
    class Meta:
        model = StakeholderNeed
        fields = list(NEED_FIELDS)


NeedFormSet = forms.inlineformset_factory(
    Stakeholder, StakeholderNeed, form=NeedForm, extra=1, can_delete=True, max_num=50
)


def need_formset(data=None, *, stakeholder: Stakeholder | None, add_row: bool = False):
    """The needs as rows. `add_row` shows one more empty row (the "Add a need" button works
    without JavaScript: it posts the form back and gets it again with the extra row)."""
    instance = stakeholder if stakeholder is not None else Stakeholder()
    if data is None or not add_row:
        return NeedFormSet(data, instance=instance, prefix="needs")
    data = data.copy()
    key = f"{NEEDS_PREFIX}-TOTAL_FORMS"
    with contextlib.suppress(ValueError):
        added = int(data.get(key, 0))
        data[key] = str(added + 1)
        # The new row starts as a blank row would (its selects on their defaults), so it is
        # not a changed row and nothing in it is asked for yet.
        for name, value in NeedForm(instance=StakeholderNeed()).initial.items():
            if name in NEED_VALUES:
                data[f"{NEEDS_PREFIX}-{added}-{name}"] = value
    return NeedFormSet(data, instance=instance, prefix="needs")


def shown_as_typed(*forms_and_formsets) -> None:
    """Forms posted back only to add a row: shown again with what was typed and no errors, as
    nothing was submitted to be checked yet."""
    for item in forms_and_formsets:
        if item is None:
            continue
        if isinstance(item, forms.BaseFormSet):
            item._non_form_errors = item.error_class()
            item._errors = []
            shown_as_typed(*item.forms)
            item._errors = [form.errors for form in item.forms]
            continue
        item._errors = ErrorDict()
        item.cleaned_data = {}


# --- The needs of a form saved after someone else changed the person ------------------------------

NEEDS_PREFIX = "needs"
NEED_VALUES = ("description", "scope", "openness", "expression")
_NEED_KEY = re.compile(rf"^{NEEDS_PREFIX}-(\d+)-(.+)$")


def _posted_need_rows(data) -> list[dict[str, list[str]]]:
    """The needs rows as posted, in order: each a dict of the row's field → values."""
    try:
        total = int(data.get(f"{NEEDS_PREFIX}-TOTAL_FORMS", 0))
    except ValueError:
        total = 0
    total = max(0, min(total, NeedFormSet.absolute_max))
    rows: list[dict[str, list[str]]] = [{} for _ in range(total)]
    for key in data:
        found = _NEED_KEY.match(key)
        if found and int(found[1]) < len(rows):
            rows[int(found[1])][found[2]] = data.getlist(key)
    return rows


def _need_id(row) -> int | None:
    with contextlib.suppress(ValueError, TypeError):
        return int(row.get("id", [""])[0])
    return None


def _with_need_rows(data, existing: list[dict], new: list[dict]):
    """`data` with its needs rows replaced: the rows of stored needs first (a formset binds
    its first INITIAL_FORMS rows to stored needs by id), then the new ones."""
    data = data.copy()
    for key in [key for key in data if _NEED_KEY.match(key)]:
        del data[key]
    for index, row in enumerate([*existing, *new]):
        for name, values in row.items():
            data.setlist(f"{NEEDS_PREFIX}-{index}-{name}", values)
    data[f"{NEEDS_PREFIX}-TOTAL_FORMS"] = str(len(existing) + len(new))
    data[f"{NEEDS_PREFIX}-INITIAL_FORMS"] = str(len(existing))
    return data


def needs_against(data, stored_needs: list[StakeholderNeed], *, add_unknown: bool = False):
    """The posted needs rows made to fit the needs stored now, keeping everything typed.

    A row of a need someone else removed becomes a new row (its text was typed or kept on
    purpose; dropped if it was marked for removal anyway). With `add_unknown` (after an edit
    conflict), needs someone else added are added to the form, so saving the merged form again
    does not remove them unless the person ticks Remove."""
    stored = {need.pk: need for need in stored_needs}
    existing, new = [], []
    for row in _posted_need_rows(data):
        need_id = _need_id(row)
        if need_id in stored:
            existing.append(row)
            continue
        if row.get("DELETE"):
            continue
        row = {name: values for name, values in row.items() if name != "id"}
        new.append(row)
    if add_unknown:
        seen = {_need_id(row) for row in existing}
        for need in stored_needs:
            if need.pk not in seen:
                existing.append(
                    {"id": [str(need.pk)], **{name: [getattr(need, name)] for name in NEED_VALUES}}
                )
    return _with_need_rows(data, existing, new)


def _need_summary(values: dict) -> str:
    labels = [
        dict(choices).get(values.get(name), values.get(name) or "")
        for name, choices in (
            ("scope", NeedScope.choices),
            ("openness", NeedOpenness.choices),
            ("expression", NeedExpression.choices),
        )
    ]
    return f"{values.get('description') or ''} ({' · '.join(str(label) for label in labels)})"


def need_conflict_rows(posted, rebased, stored_needs: list[StakeholderNeed]) -> list[ConflictRow]:
    """The needs as typed (`posted`, the request's data) beside the needs stored now, one row
    per need that differs. `rebased` is what needs_against(…, add_unknown=True) made of the
    posted data: the rows' names point into it, for the "use stored" button."""
    stored = {need.pk: need for need in stored_needs}
    rebased_ids = [_need_id(row) for row in _posted_need_rows(rebased)]
    index_of = {need_id: index for index, need_id in enumerate(rebased_ids) if need_id}
    label = str(_("Need"))
    rows, seen = [], set()
    for row in _posted_need_rows(posted):
        need_id = _need_id(row)
        yours = {name: (row.get(name) or [""])[0].strip() for name in NEED_VALUES}
        if need_id is None:
            continue  # a need being added: nothing stored to compare it with
        seen.add(need_id)
        removed = bool(row.get("DELETE"))
        need = stored.get(need_id)
        if need is None:
            if not removed:
                rows.append(ConflictRow("", label, _need_summary(yours), "—", "", False))
            continue
        theirs = {name: getattr(need, name) for name in NEED_VALUES}
        if yours == theirs and not removed:
            continue
        only_text = not removed and all(yours[n] == theirs[n] for n in NEED_VALUES[1:])
        rows.append(
            ConflictRow(
                name=f"{NEEDS_PREFIX}-{index_of.get(need_id)}-description",
                label=label,
                yours=str(_("removed")) if removed else _need_summary(yours),
                stored=_need_summary(theirs),
                stored_value=need.description,
                can_copy=only_text and need_id in index_of,
            )
        )
    for need in stored_needs:
        if need.pk not in seen:
            summary = _need_summary({name: getattr(need, name) for name in NEED_VALUES})
            rows.append(ConflictRow("", label, "—", summary, "", False))
    return rows


class PrivateNoteForm(forms.ModelForm):
    class Meta:
        model = StakeholderPrivateNote
        fields = list(NOTE_FIELDS)
        widgets = {"birthday": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("birthday", css_class="col-md-4"),
                Column("hometown", css_class="col-md-4"),
                Column("interests", css_class="col-md-4"),
            ),
            "family",
            "notes",
        )

    def clean_birthday(self):
        birthday = self.cleaned_data.get("birthday")
        if birthday and birthday > timezone.localdate():
            raise forms.ValidationError(_("A birthday cannot be in the future."))
        return birthday


def private_note_conflict_rows(note_form, stored: StakeholderPrivateNote | None):
    """The private notes as typed beside the notes stored now, one row per field that differs.
    Only for a form the person may see (the account team's)."""
    return differences(
        note_form,
        model_to_dict(stored or StakeholderPrivateNote(), fields=list(note_form.fields)),
    )


class MarkLeftForm(VersionedForm, forms.Form):
    """Marks the person as having left: an in-place change, it carries the person's version."""

    left_on = forms.DateField(label=_("Left on"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["left_on"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_left_on(self):
        left_on = self.cleaned_data["left_on"]
        if left_on > timezone.localdate():
            raise forms.ValidationError(_("The leaving date cannot be in the future."))
        return left_on
