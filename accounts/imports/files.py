"""The spreadsheets an import hands out: the report of a dry run (the file's own rows with what
each would do and what is wrong, to correct and upload again) and a template per kind with
example rows, in the user's language. Both are written by accounts.exports."""

from __future__ import annotations

from datetime import date

from django.db.models import Choices
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.exports import AS_READ, TEXT, Column, Table
from accounts.imports.fields import ACCOUNTS, STAKEHOLDERS, TRANSACTIONS, fields_for
from accounts.imports.matching import report_entries
from accounts.imports.queries import import_action_labels
from accounts.imports.reading import read_table
from accounts.models import (
    Attitude,
    BuyingRole,
    Category,
    ImportJob,
    Industry,
    Region,
    SocialStyle,
    Tier,
)
from accounts.translatable import render

# --- The report -----------------------------------------------------------------------------------


def report_table(job: ImportJob) -> Table:
    """Line, result and problems, then the row as the file had it. The three added columns
    match no field, so the corrected report can be imported as it is. Once the file has been
    deleted (its retention ended), what the job itself kept: line, result, problems and the
    fields a row changes, under a first row that says the file's own columns are gone."""
    if not job.has_file:
        return _report_without_file(job)
    table = read_table(bytes(job.content), job.file_name)
    fields = fields_for(job.kind)
    actions = import_action_labels()
    outcome = {entry[0]: (entry[1], entry[2]) for entry in job.report}

    def row(item):
        line, cells = item
        action, errors = outcome.get(line, ("", []))
        return [line, actions.get(action, ""), _problems(fields, errors), *cells]

    return Table(
        slug=f"import-report-{job.pk}",
        title=_("Import report"),
        columns=[
            Column(_("Line"), AS_READ, width=8),
            Column(_("Result"), TEXT, width=14),
            Column(_("Problems"), TEXT, width=60),
            *(Column(header or "", AS_READ) for header in job.headers),
        ],
        rows=list(zip(table.line_numbers, table.rows, strict=True)),
        row=row,
    )


def _problems(fields, errors) -> str:
    return "; ".join(
        f"{fields[key].label if key in fields else key}: {render(message)}"
        for key, message in errors
    )


def _report_without_file(job: ImportJob) -> Table:
    fields = fields_for(job.kind)
    actions = import_action_labels()

    def label(key):
        return str(fields[key].label) if key in fields else key

    note = _(
        "The uploaded file was deleted on %(date)s (its retention ended): this report has no "
        "columns of the file."
    ) % {"date": date_format(timezone.localtime(job.file_deleted_at), "DATE_FORMAT")}
    rows = [["", "", note, ""]] + [
        [line, actions.get(action, ""), _problems(fields, errors), ", ".join(map(label, changed))]
        for line, action, errors, changed, _names, _notes in report_entries(job.report)
    ]
    return Table(
        slug=f"import-report-{job.pk}",
        title=_("Import report"),
        columns=[
            Column(_("Line"), AS_READ, width=8),
            Column(_("Result"), TEXT, width=14),
            Column(_("Problems"), TEXT, width=60),
            Column(_("Changes"), TEXT, width=40),
        ],
        rows=rows,
    )


# --- Templates ------------------------------------------------------------------------------------

# Example rows by field key. A pair is (English, Chinese); choices are written as their label
# in the user's language, yes/no as the words the import reads.
EXAMPLES = {
    ACCOUNTS: [
        {"name": ("Eastern Steel Group", "华东钢铁集团"),
         "legal_name": ("Eastern Steel Group Co., Ltd.", "华东钢铁集团有限公司"),
         "external_id": "C-10023", "industry": Industry.MANUFACTURING, "region": Region.EAST,
         "category": Category.KEY, "tier": Tier, "employees": 12000,
         "annual_revenue": 8_500_000_000, "listed": True, "website": "https://example.com"},
        {"name": ("Harbour City Bank", "海港城市银行"), "external_id": "C-10057",
         "industry": Industry.FINANCE, "region": Region.SOUTH, "category": Category.TARGET,
         "employees": 3200, "listed": False},
    ],
    STAKEHOLDERS: [
        {"account_external_id": "C-10023", "account": ("Eastern Steel Group", "华东钢铁集团"),
         "name": ("Li Wei", "李伟"), "title": ("Chief Procurement Officer", "首席采购官"),
         "department": ("Procurement", "采购部"), "buying_role": BuyingRole.DECISION_MAKER,
         "attitude": Attitude.SUPPORTER, "influence": 5, "involvement": 3,
         "social_style": SocialStyle.DRIVER, "email": "li.wei@example.com",
         "phone": "+86 21 5555 0100", "wechat": "liwei_steel"},
        {"account_external_id": "C-10023", "account": ("Eastern Steel Group", "华东钢铁集团"),
         "name": ("Zhou Min", "周敏"), "title": ("IT Manager", "信息技术经理"),
         "department": ("IT", "信息技术部"), "buying_role": BuyingRole.USER,
         "attitude": Attitude.NEUTRAL, "influence": 3, "involvement": 4},
    ],
    TRANSACTIONS: [
        {"account_external_id": "C-10023", "account": ("Eastern Steel Group", "华东钢铁集团"),
         "date": date(2026, 3, 15), "reference": "SO-2026-0311", "amount": 1_250_000,
         "gross_margin": 312_500, "returned_amount": 0, "invoice_due": date(2026, 4, 14),
         "paid_on": date(2026, 4, 10)},
        {"account_external_id": "C-10023", "account": ("Eastern Steel Group", "华东钢铁集团"),
         "date": date(2026, 6, 2), "reference": "SO-2026-0587", "amount": 480_000,
         "gross_margin": 96_000, "invoice_due": date(2026, 7, 2)},
    ],
}  # fmt: skip


def _example(value, chinese: bool, tier: str):
    if value is Tier:  # the highest tier, as this organisation names it
        return tier
    if isinstance(value, tuple):
        return value[1] if chinese else value[0]
    if isinstance(value, Choices):
        return str(value.label)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return value


def template_table(kind: str) -> Table:
    """The columns of `kind` headed in the user's language, with two example rows."""
    fields = list(fields_for(kind).values())
    chinese = (get_language() or "").startswith("zh")
    highest = Tier.objects.order_by("rank").first() if kind == ACCOUNTS else None
    tier = highest.label if highest else None
    return Table(
        slug=f"import-template-{kind}",
        title=_("Import template"),
        columns=[Column(str(item.label), AS_READ) for item in fields],
        rows=[
            [_example(example.get(item.key), chinese, tier) for item in fields]
            for example in EXAMPLES[kind]
        ],
    )
