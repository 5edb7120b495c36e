from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Fieldset, Layout, Row, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import queries
from accounts.conflicts import EditConflict, VersionedForm
from accounts.models import (
    CATEGORY_GOALS,
    Account,
    AccountTeamMember,
    Category,
    Complaint,
    ConflictMode,
    TeamRole,
    Transaction,
)
from accounts.services import ACCOUNT_FIELDS

User = get_user_model()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def add_service_errors(form, error) -> None:
    """Show a ValidationError raised by a service next to the form's fields it names; an edit
    conflict keeps the person's input and lists it beside the stored values."""
    if isinstance(error, EditConflict) and isinstance(form, VersionedForm):
        form.show_conflict(error)
    elif hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _not_in_future(value, field_label):
    if value and value > timezone.localdate():
        raise forms.ValidationError(
            _("%(field)s cannot be in the future.") % {"field": field_label}
        )
    return value


class AccountForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = Account
        fields = list(ACCOUNT_FIELDS)
        widgets = {
            "category": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, can_choose_owner: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = queries.account_managers()
        self.fields["owner"].help_text = _("Required for key accounts.")
        self.fields["tier"].queryset = queries.tiers()
        self.fields["tier"].empty_label = _("Not tiered yet")
        self.fields["category"].choices = [
            (value, f"{label} — {CATEGORY_GOALS[value]}") for value, label in Category.choices
        ]
        if not can_choose_owner:
            self.fields["owner"].disabled = True
            self.fields["owner"].help_text = _(
                "The owner is changed by the current owner, a sales director or an admin."
            )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                _("Who they are"),
                Row(
                    Column("name", css_class="col-md-6"), Column("legal_name", css_class="col-md-6")
                ),
                Row(
                    Column("industry", css_class="col-md-4"),
                    Column("region", css_class="col-md-4"),
                    Column("external_id", css_class="col-md-4"),
                ),
                "website",
            ),
            Fieldset(
                _("How we manage them"),
                "category",
                Row(Column("owner", css_class="col-md-6"), Column("tier", css_class="col-md-6")),
            ),
            Fieldset(
                _("Size"),
                Row(
                    Column("employees", css_class="col-md-3"),
                    Column("annual_revenue", css_class="col-md-3"),
                    Column("registered_capital", css_class="col-md-3"),
                    Column(Field("is_listed"), css_class="col-md-3 pt-md-4"),
                ),
            ),
            "description",
            Submit("save", _("Save account")),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("category") == Category.KEY and not cleaned.get("owner"):
            self.add_error("owner", _("A key account must have an account manager."))
        return cleaned

    def clean_external_id(self):
        external_id = self.cleaned_data["external_id"].strip()
        if external_id and (
            Account.objects.filter(external_id=external_id).exclude(pk=self.instance.pk).exists()
        ):
            raise forms.ValidationError(_("Another account already has this external ID."))
        return external_id

    def validate_constraints(self):
        # clean() and clean_external_id() report these rules on their fields; the model
        # constraints would repeat them as form-wide messages.
        try:
            self.instance.validate_constraints(exclude={"owner", "category", "external_id"})
        except forms.ValidationError as error:
            self._update_errors(error)


class OwnerForm(VersionedForm, forms.Form):
    """The account manager, a field of the account: the form carries the account's version."""

    owner = forms.ModelChoiceField(
        label=_("Account manager"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, row_version=account.row_version, **kwargs)
        self.account = account
        self.fields["owner"].queryset = queries.account_managers()
        self.fields["owner"].initial = account.owner_id
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def stored_initial(self, current) -> dict:
        return {"owner": current.owner_id}

    def clean_owner(self):
        owner = self.cleaned_data["owner"]
        if owner is None and self.account.category == Category.KEY:
            raise forms.ValidationError(_("A key account must have an account manager."))
        return owner


class TeamMemberForm(forms.ModelForm):
    """Adds someone to the team. Not a change of a stored row: someone already on the team is
    refused by services.team_member_add, which names the role they have."""

    class Meta:
        model = AccountTeamMember
        fields = ["user", "role"]

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account
        self.fields["user"].queryset = User.objects.filter(is_active=True).exclude(
            pk=account.owner_id
        )
        self.fields["role"].choices = TeamRole.choices
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def validate_unique(self):
        # The account is not a form field; the service refuses someone already on the team.
        pass


class TransactionForm(forms.ModelForm):
    class Meta:
        model = Transaction
        fields = [
            "date",
            "reference",
            "amount",
            "gross_margin",
            "returned_amount",
            "invoice_due",
            "paid_on",
        ]
        widgets = {"date": DateInput(), "invoice_due": DateInput(), "paid_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("date", css_class="col-md-4"), Column("reference", css_class="col-md-8")),
            Row(
                Column("amount", css_class="col-md-4"),
                Column("gross_margin", css_class="col-md-4"),
                Column("returned_amount", css_class="col-md-4"),
            ),
            Row(
                Column("invoice_due", css_class="col-md-6"), Column("paid_on", css_class="col-md-6")
            ),
            Submit("save", _("Add transaction")),
        )

    def clean_date(self):
        return _not_in_future(self.cleaned_data.get("date"), _("The order date"))

    def clean_paid_on(self):
        return _not_in_future(self.cleaned_data.get("paid_on"), _("The payment date"))

    def clean(self):
        cleaned = super().clean()
        amount = cleaned.get("amount")
        order_date = cleaned.get("date")
        margin = cleaned.get("gross_margin")
        returned = cleaned.get("returned_amount")
        if amount is not None and margin is not None and margin > amount:
            self.add_error("gross_margin", _("The margin cannot exceed the amount."))
        if amount is not None and returned is not None and returned > amount:
            self.add_error("returned_amount", _("Returns cannot exceed the amount."))
        for name in ("invoice_due", "paid_on"):
            value = cleaned.get(name)
            if order_date and value and value < order_date:
                self.add_error(name, _("This date cannot be before the order date."))
        return cleaned

    def validate_constraints(self):
        # clean() reports each rule on its field; the same database checks would repeat them.
        pass


class ComplaintForm(forms.ModelForm):
    class Meta:
        model = Complaint
        fields = ["title", "category", "severity", "description", "opened_on", "owner", "due_on"]
        widgets = {
            "opened_on": DateInput(),
            "due_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        team_ids = [m.user_id for m in account.team_members.all()]
        if account.owner_id:
            team_ids.append(account.owner_id)
        assignable = User.objects.filter(is_active=True, pk__in=team_ids)
        if self.instance.owner_id:
            assignable = assignable | User.objects.filter(pk=self.instance.owner_id)
        self.fields["owner"].queryset = assignable.distinct()
        self.fields["owner"].help_text = _("Someone on the account team.")
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "title",
            Row(Column("category", css_class="col-md-6"), Column("severity", css_class="col-md-6")),
            "description",
            Row(
                Column("opened_on", css_class="col-md-4"),
                Column("owner", css_class="col-md-4"),
                Column("due_on", css_class="col-md-4"),
            ),
            Submit("save", _("Save complaint")),
        )

    def clean_opened_on(self):
        return _not_in_future(self.cleaned_data.get("opened_on"), _("The opening date"))

    def clean(self):
        cleaned = super().clean()
        opened, due = cleaned.get("opened_on"), cleaned.get("due_on")
        if opened and due and due < opened:
            self.add_error("due_on", _("The due date cannot be before the complaint was opened."))
        return cleaned

    def validate_constraints(self):
        pass


class ComplaintEditForm(VersionedForm, ComplaintForm):
    """A stored complaint's form: it carries the version it was loaded at."""


class ComplaintResolveForm(VersionedForm, forms.Form):
    resolution = forms.CharField(
        label=_("Resolution"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was done, and whether the customer agreed."),
    )
    resolved_on = forms.DateField(label=_("Resolved on"), widget=DateInput())
    conflict_mode = forms.ChoiceField(
        label=_("Conflict mode"),
        choices=[("", "—"), *ConflictMode.choices],
        required=False,
        help_text=_("How the disagreement was handled, if there was one."),
    )

    def __init__(self, *args, complaint: Complaint, **kwargs):
        super().__init__(*args, row_version=complaint.row_version, **kwargs)
        self.complaint = complaint
        self.fields["resolved_on"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "resolution",
            Row(
                Column("resolved_on", css_class="col-md-6"),
                Column("conflict_mode", css_class="col-md-6"),
            ),
            Submit("resolve", _("Mark resolved"), css_class="btn-success"),
        )

    def stored_initial(self, current) -> dict:
        return {
            "resolution": current.resolution,
            "resolved_on": current.resolved_on,
            "conflict_mode": current.conflict_mode,
        }

    def clean_resolution(self):
        text = self.cleaned_data["resolution"].strip()
        if not text:
            raise forms.ValidationError(_("Say how the complaint was resolved."))
        return text

    def clean_resolved_on(self):
        value = _not_in_future(self.cleaned_data.get("resolved_on"), _("The resolution date"))
        if value and value < self.complaint.opened_on:
            raise forms.ValidationError(_("A complaint cannot be resolved before it was opened."))
        return value


class VersionedAdminForm(VersionedForm, forms.ModelForm):
    """The Django admin's change form of a Versioned record (accounts.admin): the version it was
    loaded at rides along hidden, and a save from a stale page is refused with the same message
    as everywhere else. (The model's save() then claims the row at that version, so a change
    landing between this check and the save cannot be overwritten either.)"""

    def clean(self):
        cleaned = super().clean()
        version = cleaned.get("row_version")
        if self.instance.pk is not None and version not in (None, self.instance.row_version):
            raise EditConflict.about(self.instance)
        return cleaned


class RestoreForm(VersionedForm):
    """Which fields of an earlier version to put back (accounts.versions), from a comparison page
    loaded at the record's `row_version`."""

    fields_to_restore = forms.MultipleChoiceField(
        label=_("Put back"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick the fields to put back.")},
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fields_to_restore"].choices = choices

    def stored_initial(self, current) -> dict:
        return {}  # the page itself compares the version with the record as stored now
