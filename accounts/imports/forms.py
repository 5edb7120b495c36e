from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.imports.fields import fields_for
from accounts.imports.queries import mapping_choices
from accounts.models import ImportJob, ImportKind


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What the file holds"),
        choices=ImportKind.choices,
        initial=ImportKind.ACCOUNTS,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        help_text=gettext_lazy(
            "Excel (.xlsx, the first sheet) or CSV (UTF-8 or GBK, comma or semicolon). The first "
            "row holds the column names, in English or Chinese."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class MappingForm(forms.Form):
    """One choice per column of the file: the field it fills, or nothing."""

    def __init__(self, *args, job: ImportJob, **kwargs):
        super().__init__(*args, **kwargs)
        self.job = job
        choices = mapping_choices(job.kind)
        samples = list(zip(*job.preview, strict=False)) if job.preview else []
        self.columns = []
        for index, header in enumerate(job.headers):
            name = f"column_{index}"
            self.fields[name] = forms.ChoiceField(
                label=header or _("Column %(number)s") % {"number": index + 1},
                choices=choices,
                required=False,
                initial=job.mapping.get(str(index), ""),
            )
            values = [value for value in samples[index] if value] if index < len(samples) else []
            self.columns.append((self[name], values))

    def clean(self):
        cleaned = super().clean()
        fields = fields_for(self.job.kind)
        taken: dict[str, str] = {}
        for index, header in enumerate(self.job.headers):
            name = f"column_{index}"
            key = cleaned.get(name)
            if not key:
                continue
            if key in taken:
                self.add_error(
                    name,
                    _("“%(field)s” is already filled from the column “%(column)s”.")
                    % {"field": fields[key].label, "column": taken[key]},
                )
            else:
                taken[key] = header or str(index + 1)
        for key, item in fields.items():
            if item.required and key not in taken:
                self.add_error(None, _("Choose the column that holds “%(field)s”.") % {
                    "field": item.label})  # fmt: skip
        if "account" in fields and not taken.keys() & {"account", "account_external_id"}:
            self.add_error(
                None,
                _("Choose the column that names the account: “%(name)s” or “%(id)s”.")
                % {"name": fields["account"].label, "id": fields["account_external_id"].label},
            )
        return cleaned

    @property
    def mapping(self) -> dict[str, str]:
        return {
            str(index): self.cleaned_data.get(f"column_{index}") or ""
            for index in range(len(self.job.headers))
        }


class ConfirmForm(forms.Form):
    only_valid_rows = forms.BooleanField(
        label=gettext_lazy("Import only the valid rows and leave the rejected ones out"),
        required=False,
    )


class JobActionForm(forms.Form):
    """Retry or cancel: the attempt the owner saw, so a button on a stale page (the job retried
    from another tab meanwhile) acts on nothing."""

    attempt = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def seen_attempt(self) -> int:
        return self.cleaned_data["attempt"] if self.is_valid() else -1
