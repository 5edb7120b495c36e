"""The accounts app's edit routes, for tests/kam/test_edit_conflicts.py (tests/conflict_checks.py
says how a case runs). Each CASES entry builds two people's edits of one record; NOT_EDITS
says why each other route of the app needs no case."""

from django.urls import reverse

from accounts import services
from accounts.models import Account
from tests.conflict_checks import ConflictCase, Personas


def _account_row(pk):
    return lambda: Account.objects.filter(pk=pk).values().get()


def account_edit(p: Personas) -> ConflictCase:
    account = p.account

    def teammate_saves_a_description():
        fresh = Account.objects.get(pk=account.pk)
        services.account_update(
            actor=p.teammate,
            account=fresh,
            expected_version=fresh.row_version,
            description="Teammate's new description",
        )

    return ConflictCase(
        url=reverse("accounts:edit", args=[account.pk]),
        editor=p.owner,
        edit={"employees": "1234"},
        change=teammate_saves_a_description,
        changed_by=p.teammate,
        stored=_account_row(account.pk),
    )


CASES = {
    "accounts:edit": account_edit,
}

NOT_EDITS = {
    "accounts:list": "a list",
    "accounts:create": "creates a new account: nothing stored to overwrite",
    "accounts:detail": "a page without a form",
    "accounts:history": "a page without a form",
    "accounts:export_accounts": "a download",
    "accounts:export_stakeholders": "a download",
    "accounts:export_transactions": "a download",
    "accounts:transactions": "a list",
    "accounts:transaction_create": "adds a transaction: nothing stored to overwrite",
    "accounts:complaints": "a list",
    "accounts:complaint_create": "opens a new complaint: nothing stored to overwrite",
    "accounts:import": "uploads a new file: nothing stored to overwrite",
    "accounts:import_template": "a download",
    "accounts:import_detail": "the import's own page, acted on by its owner only",
    "accounts:import_mapping": "the import's own mapping (a step refuses a job that moved on)",
    "accounts:import_progress": "a progress fragment",
    "accounts:import_confirm": "a job confirmed once: a second confirmation is refused",
    "accounts:import_report": "a download",
    "accounts:stakeholders": "a list",
    "accounts:stakeholder_create": "adds a person: nothing stored to overwrite",
    "accounts:stakeholder_detail": "a page without a form of its own",
    "accounts:stakeholder_org_chart": "a chart",
    "accounts:stakeholder_power_grid": "a chart",
    "accounts:coverage": "the matrix; each cell is edited at accounts:coverage_edit",
    "accounts:relationship": "a page; its forms post to the stage and profile routes",
}
