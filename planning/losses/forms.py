from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.conflicts import VersionedForm
from accounts.forms import DateInput
from planning.losses.services import LOSS_FIELDS
from planning.models.losses import LossRecord


class LossRecordForm(VersionedForm, forms.ModelForm):
    """A new loss record, which also sets the account's category to lost: it carries the
    account's version (`row_version=account.row_version`), so it refuses to go over a change of
    the account saved since the page was opened."""

    class Meta:
        model = LossRecord
        fields = list(LOSS_FIELDS)
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 4}),
            "win_back_plan": forms.Textarea(attrs={"rows": 4}),
            "review_on": DateInput(),
        }
        help_texts = {
            "notes": _("What happened, in the order it happened, and what we saw too late."),
            "win_back_plan": _("Who we keep in touch with, what we would change, what to watch."),
            "review_on": _("When to look at this account again."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        helper.layout = Layout(
            Row(Column("reason", css_class="col-md-6"), Column("review_on", css_class="col-md-3")),
            "notes",
            "win_back_plan",
        )
        self.helper = helper

    def stored_initial(self, current) -> dict:
        # `current` is the account: the record itself is new, nothing of it is stored yet.
        return {}
