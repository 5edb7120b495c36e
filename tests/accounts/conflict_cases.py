"""The accounts app's edit routes, for tests/kam/test_edit_conflicts.py (tests/conflict_checks.py
says how a case runs). Each CASES entry builds two people's edits of one record; NOT_EDITS
says why each other route of the app needs no case."""

from datetime import date

from django.urls import reverse

from accounts import services
from accounts.coverage import services as coverage_services
from accounts.models import (
    Account,
    AccountTeamMember,
    Complaint,
    Coverage,
    StageAssessment,
    Stakeholder,
    StakeholderNeed,
    StakeholderPrivateNote,
    TeamRole,
)
from accounts.relationship import queries as relationship_queries
from accounts.relationship import services as relationship_services
from accounts.stakeholders import services as stakeholder_services
from tests.conflict_checks import ConflictCase, Personas
from tests.factories import (
    ComplaintFactory,
    PrivateNoteFactory,
    StakeholderFactory,
    StakeholderNeedFactory,
)


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


def account_version(p: Personas) -> ConflictCase:
    """Putting a field of an earlier version back, from a comparison the teammate made stale."""
    account = p.account
    _update(account.pk, p.owner, description="The first description")
    first = account.history.order_by("history_id").last()
    _update(account.pk, p.owner, description="The second description")
    return ConflictCase(
        url=reverse("accounts:history_version", args=[account.pk, first.history_id]),
        editor=p.owner,
        edit={"fields_to_restore": ["description"]},
        change=lambda: _update(account.pk, p.teammate, employees=77),
        changed_by=p.teammate,
        stored=_account_row(account.pk),
    )


def _update(pk, actor, **fields):
    fresh = Account.objects.get(pk=pk)
    services.account_update(
        actor=actor, account=fresh, expected_version=fresh.row_version, **fields
    )


# --- The team, complaints, stakeholders, coverage and the relationship ----------------------------


def _fresh(model, pk):
    return model._base_manager.get(pk=pk)


def _rows(queryset):
    return lambda: list(queryset.order_by("pk").values())


def team_owner(p: Personas) -> ConflictCase:
    """Reassigning the account manager (a field of the account) from a page someone made stale
    by saving the account."""
    account = p.account
    return ConflictCase(
        url=reverse("accounts:team", args=[account.pk]),
        editor=p.owner,
        action_suffix=f"/{account.pk}/team/",
        edit={"owner": str(p.outsider.pk)},
        change=lambda: _update(account.pk, p.teammate, description="Teammate's note"),
        changed_by=p.teammate,
        stored=_account_row(account.pk),
    )


def team_member_remove(p: Personas) -> ConflictCase:
    """Removing a member whose role an admin changed meanwhile (the admin's team inline)."""
    account = p.account
    member = account.team_members.get(user=p.teammate)

    def admin_makes_them_the_sponsor():
        fresh = _fresh(AccountTeamMember, member.pk)
        fresh.role = TeamRole.EXECUTIVE_SPONSOR
        fresh._history_user = p.admin
        fresh.save()

    return ConflictCase(
        url=reverse("accounts:team", args=[account.pk]),
        editor=p.owner,
        action_suffix=f"/team/{member.pk}/remove/",
        in_place=True,
        change=admin_makes_them_the_sponsor,
        changed_by=p.admin,
        stored=_rows(AccountTeamMember.objects.filter(account=account)),
    )


def _complaint(p: Personas, **fields):
    return ComplaintFactory(account=p.account, owner=p.owner, **fields)


def _complaint_update(pk, actor, **fields):
    fresh = _fresh(Complaint, pk)
    services.complaint_update(
        actor=actor, complaint=fresh, expected_version=fresh.row_version, **fields
    )


def complaint_edit(p: Personas) -> ConflictCase:
    complaint = _complaint(p)
    return ConflictCase(
        url=reverse("accounts:complaint_edit", args=[p.account.pk, complaint.pk]),
        editor=p.owner,
        edit={"title": "Late deliveries in March"},
        change=lambda: _complaint_update(complaint.pk, p.teammate, description="They called"),
        changed_by=p.teammate,
        stored=_rows(Complaint.objects.filter(pk=complaint.pk)),
    )


def complaint_resolve(p: Personas) -> ConflictCase:
    complaint = _complaint(p)
    return ConflictCase(
        url=reverse("accounts:complaint_resolve", args=[p.account.pk, complaint.pk]),
        editor=p.owner,
        edit={"resolution": "Credit note issued; they accepted"},
        change=lambda: _complaint_update(complaint.pk, p.teammate, severity="high"),
        changed_by=p.teammate,
        stored=_rows(Complaint.objects.filter(pk=complaint.pk)),
    )


def complaint_reopen(p: Personas) -> ConflictCase:
    """Two people reopening the same resolved complaint: the second click is stale."""
    complaint = _complaint(p)
    services.complaint_resolve(
        actor=p.owner, complaint=complaint, expected_version=complaint.row_version, resolution="Ok"
    )

    def teammate_reopens():
        fresh = _fresh(Complaint, complaint.pk)
        services.complaint_reopen(
            actor=p.teammate, complaint=fresh, expected_version=fresh.row_version
        )

    return ConflictCase(
        url=reverse("accounts:complaints", args=[p.account.pk]),
        editor=p.owner,
        action_suffix=f"/complaints/{complaint.pk}/reopen/",
        in_place=True,
        change=teammate_reopens,
        changed_by=p.teammate,
        stored=_rows(Complaint.objects.filter(pk=complaint.pk)),
    )


def _person(p: Personas, **fields):
    return StakeholderFactory(account=p.account, name="Liu Yang", **fields)


def _stakeholder_save(pk, actor, **kwargs):
    fresh = _fresh(Stakeholder, pk)
    stakeholder_services.stakeholder_save(
        actor=actor,
        account=fresh.account,
        stakeholder=fresh,
        expected_version=fresh.row_version,
        fields=kwargs.pop("fields", {}),
        **kwargs,
    )


def stakeholder_edit(p: Personas) -> ConflictCase:
    """The teammate only adds a need: the person's version moves all the same, since the needs
    ride on the person's form."""
    person = _person(p, title="CIO")
    need = StakeholderNeedFactory(stakeholder=person, description="Less downtime")
    PrivateNoteFactory(stakeholder=person, hometown="Hangzhou")
    kept = {"id": need.pk, "description": need.description, "scope": need.scope,
            "openness": need.openness, "expression": need.expression}  # fmt: skip
    new = {"description": "A reference visit", "scope": "company", "openness": "open",
           "expression": "explicit"}  # fmt: skip
    return ConflictCase(
        url=reverse("accounts:stakeholder_edit", args=[p.account.pk, person.pk]),
        editor=p.owner,
        edit={"title": "CTO", "hometown": "Ningbo"},
        change=lambda: _stakeholder_save(person.pk, p.teammate, needs=[kept, new]),
        changed_by=p.teammate,
        stored=lambda: (
            Stakeholder.objects.filter(pk=person.pk).values().get(),
            list(StakeholderNeed.objects.filter(stakeholder=person).order_by("pk").values()),
            list(StakeholderPrivateNote.objects.filter(stakeholder=person).values()),
        ),
    )


def stakeholder_mark_left(p: Personas) -> ConflictCase:
    person = _person(p)
    return ConflictCase(
        url=reverse("accounts:stakeholder_detail", args=[p.account.pk, person.pk]),
        editor=p.owner,
        action_suffix=f"/stakeholders/{person.pk}/left/",
        in_place=True,
        change=lambda: _stakeholder_save(person.pk, p.teammate, fields={"title": "CFO"}),
        changed_by=p.teammate,
        stored=_rows(Stakeholder.objects.filter(pk=person.pk)),
    )


def stakeholder_reinstate(p: Personas) -> ConflictCase:
    person = _person(p, status="left", left_on=date(2026, 1, 5))
    return ConflictCase(
        url=reverse("accounts:stakeholder_detail", args=[p.account.pk, person.pk]),
        editor=p.owner,
        action_suffix=f"/stakeholders/{person.pk}/reinstate/",
        in_place=True,
        change=lambda: _stakeholder_save(person.pk, p.teammate, fields={"title": "Retired"}),
        changed_by=p.teammate,
        stored=_rows(Stakeholder.objects.filter(pk=person.pk)),
    )


def stakeholder_version(p: Personas) -> ConflictCase:
    """Putting an earlier title back, from a comparison the teammate made stale."""
    person = _person(p, title="CIO")
    first = person.history.earliest()
    _stakeholder_save(person.pk, p.owner, fields={"title": "CTO"})
    return ConflictCase(
        url=reverse(
            "accounts:stakeholder_version", args=[p.account.pk, person.pk, first.history_id]
        ),
        editor=p.owner,
        edit={"fields_to_restore": ["title"]},
        change=lambda: _stakeholder_save(person.pk, p.teammate, fields={"department": "IT"}),
        changed_by=p.teammate,
        stored=_rows(Stakeholder.objects.filter(pk=person.pk)),
    )


def coverage_edit(p: Personas) -> ConflictCase:
    """An empty cell (version 0: no coverage row) that the teammate fills in meanwhile."""
    person = _person(p)

    def teammate_sets_it():
        coverage_services.coverage_set(
            actor=p.teammate,
            account=_fresh(Account, p.account.pk),
            stakeholder=person,
            user=p.teammate,
            expected_version=0,
            strength=2,
            last_contact=None,
        )

    return ConflictCase(
        url=reverse("accounts:coverage_edit", args=[p.account.pk, person.pk, p.teammate.pk]),
        editor=p.owner,
        edit={"strength": "3"},
        change=teammate_sets_it,
        changed_by=p.teammate,
        stored=_rows(Coverage.objects.filter(stakeholder=person)),
    )


def stage_change(p: Personas) -> ConflictCase:
    account = p.account
    return ConflictCase(
        url=reverse("accounts:relationship", args=[account.pk]),
        editor=p.owner,
        action_suffix="/relationship/stage/",
        edit={"to_stage": "early", "rationale": "First orders placed"},
        change=lambda: _update(account.pk, p.teammate, employees=800),
        changed_by=p.teammate,
        stored=_account_row(account.pk),
    )


def stage_assessment(p: Personas) -> ConflictCase:
    """The checklist's version is its latest run: the teammate runs it meanwhile."""
    account = p.account

    def teammate_assesses():
        latest = relationship_queries.latest_assessment(account)
        relationship_services.stage_assess(
            actor=p.teammate,
            account=account,
            expected_latest=latest.pk if latest else 0,
            signs=["single_contact", "price_focus"],
        )

    return ConflictCase(
        url=reverse("accounts:stage_assessment", args=[account.pk]),
        editor=p.owner,
        edit={"signs": ["first_orders", "multilevel_contacts"]},
        change=teammate_assesses,
        changed_by=p.teammate,
        stored=_rows(StageAssessment.objects.filter(account=account)),
    )


def relationship_profile(p: Personas) -> ConflictCase:
    account = p.account

    def teammate_sets_their_intent():
        fresh = _fresh(Account, account.pk)
        relationship_services.relationship_profile_update(
            actor=p.teammate, account=fresh, expected_version=fresh.row_version, buyer_intent="high"
        )

    return ConflictCase(
        url=reverse("accounts:relationship_profile", args=[account.pk]),
        editor=p.owner,
        edit={"seller_intent": "high"},
        change=teammate_sets_their_intent,
        changed_by=p.teammate,
        stored=_account_row(account.pk),
    )


CASES = {
    "accounts:edit": account_edit,
    "accounts:stakeholder_version": stakeholder_version,
    "accounts:team": team_owner,
    "accounts:team_member_remove": team_member_remove,
    "accounts:complaint_edit": complaint_edit,
    "accounts:complaint_resolve": complaint_resolve,
    "accounts:complaint_reopen": complaint_reopen,
    "accounts:stakeholder_edit": stakeholder_edit,
    "accounts:stakeholder_mark_left": stakeholder_mark_left,
    "accounts:stakeholder_reinstate": stakeholder_reinstate,
    "accounts:coverage_edit": coverage_edit,
    "accounts:stage_change": stage_change,
    "accounts:stage_assessment": stage_assessment,
    "accounts:relationship_profile": relationship_profile,
    "accounts:history_version": account_version,
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
    "accounts:export_jobs": "a list",
    "accounts:export_job": "a page without a form of its own",
    "accounts:export_job_progress": "a progress fragment",
    "accounts:export_job_download": "a download",
    "accounts:export_job_retry": "an in-place button; the attempt it saw is checked (a stale one "
    "acts on nothing)",
    "accounts:import_template": "a download",
    "accounts:import_detail": "the import's own page, acted on by its owner only",
    "accounts:import_mapping": "the import's own mapping (a step refuses a job that moved on)",
    "accounts:import_progress": "a progress fragment",
    "accounts:import_confirm": "a job confirmed once: a second confirmation is refused",
    "accounts:import_retry": "an in-place button; the attempt it saw is checked (a stale one acts "
    "on nothing)",
    "accounts:import_cancel": "an in-place button; the attempt it saw is checked (a stale one acts "
    "on nothing)",
    "accounts:import_report": "a download",
    "accounts:stakeholders": "a list",
    "accounts:stakeholder_create": "adds a person: nothing stored to overwrite",
    "accounts:stakeholder_detail": "a page without a form of its own",
    "accounts:stakeholder_history": "a list of versions; each opens stakeholder_version",
    "accounts:stakeholder_org_chart": "a chart",
    "accounts:stakeholder_power_grid": "a chart",
    "accounts:coverage": "the matrix; each cell is edited at accounts:coverage_edit",
    "accounts:relationship": "a page; its forms post to the stage and profile routes",
    "accounts:lockouts": "a search and a list",
    "accounts:lockout_lift": "deletes failure records: nothing edited to overwrite",
    "accounts:lockout_unblock": "deletes failure records: nothing edited to overwrite",
    "accounts:mail": "a list of outgoing mail (admins)",
    "accounts:mail_retry": "an in-place button; a mail being sent or sent already is left alone",
}
