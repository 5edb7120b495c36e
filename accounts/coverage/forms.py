from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.conflicts import VersionedForm
from accounts.forms import DateInput
from accounts.models import CoverageStrength


class CoverageForm(VersionedForm, forms.Form):
    """One cell of the coverage matrix. It carries the version of the coverage row it showed,
    0 when there was none (pass `row_version=`)."""

    strength = forms.TypedChoiceField(
        label=_("Strength"),
        choices=CoverageStrength.choices,
        coerce=int,
        error_messages={
            "invalid_choice": _("Choose a strength from 0 (no relationship) to 3 (trusted).")
        },
    )
    last_contact = forms.DateField(
        label=_("Last contact"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty if you have never met. Strength 0 and no date removes the row."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def stored_initial(self, current) -> dict:
        return {"strength": current.strength, "last_contact": current.last_contact}

    def clean_last_contact(self):
        value = self.cleaned_data.get("last_contact")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The last contact cannot be in the future."))
        return value
