import contextlib

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import DateInput
from accounts.models import Account, Stakeholder, StakeholderNeed, StakeholderPrivateNote
from accounts.stakeholders import queries


class StakeholderForm(forms.ModelForm):
    class Meta:
        model = Stakeholder
        fields = [
            "name",
            "title",
            "department",
            "reports_to",
            "buying_role",
            "attitude",
            "influence",
            "involvement",
            "social_style",
            "motivations",
            "email",
            "phone",
            "wechat",
        ]
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


class NeedForm(forms.ModelForm):
    class Meta:
        model = StakeholderNeed
        fields = ["description", "scope", "openness", "expression"]


NeedFormSet = forms.inlineformset_factory(
    Stakeholder, StakeholderNeed, form=NeedForm, extra=1, can_delete=True, max_num=50
)


def need_formset(data=None, *, stakeholder: Stakeholder | None, add_row: bool = False):
    """The needs as rows. `add_row` shows one more empty row (the "Add a need" button works
    without JavaScript: it posts the form back and gets it again with the extra row)."""
    instance = stakeholder if stakeholder is not None else Stakeholder()
    if data is not None and add_row:
        data = data.copy()
        key = "needs-TOTAL_FORMS"
        with contextlib.suppress(ValueError):
            data[key] = str(int(data.get(key, 0)) + 1)
    return NeedFormSet(data, instance=instance, prefix="needs")


class PrivateNoteForm(forms.ModelForm):
    class Meta:
        model = StakeholderPrivateNote
        fields = ["birthday", "hometown", "interests", "family", "notes"]
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


class MarkLeftForm(forms.Form):
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
