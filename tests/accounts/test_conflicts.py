"""No silent overwrite on the accounts app's own edits, beyond the generic case of each route
(tests/accounts/conflict_cases.py): the team's rules, the stakeholder form with its needs and
private notes, the coverage cell (in place, created when missing), the checklist, the Django
admin, and two people creating the same row at the same moment (real transactions)."""

import threading

import lxml.html
import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.conflicts import EditConflict
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
from accounts.relationship import services as relationship_services
from accounts.stakeholders import services as stakeholder_services
from tests.conflict_checks import form_data, page_form
from tests.factories import (
    AccountFactory,
    ComplaintFactory,
    CoverageFactory,
    PrivateNoteFactory,
    StakeholderFactory,
    StakeholderNeedFactory,
    TeamMemberFactory,
    UserFactory,
)

BASE = "http://testserver"


def load(client, url, action_suffix=None):
    """A page's form as a browser would submit it: (action, values)."""
    page = client.get(url)
    assert page.status_code == 200
    action, form = page_form(page.content.decode(), BASE + url, action_suffix)
    return action, form_data(form, {})


def conflict_rows(html: str) -> dict[str, tuple[str, str]]:
    """The comparison table: field label → (yours, stored now)."""
    document = lxml.html.fromstring(html)
    rows = {}
    for button in document.xpath("//table[contains(@class, 'kam-conflict-table')]//button"):
        button.drop_tree()  # "use stored", not a value
    for row in document.xpath("//table[contains(@class, 'kam-conflict-table')]/tbody/tr"):
        label = row.xpath("./th")[0].text_content().strip()
        yours, stored = (cell.text_content().strip() for cell in row.xpath("./td")[:2])
        rows.setdefault(label, []).append((yours, stored))
    return rows


def fresh(model, pk):
    return model._base_manager.get(pk=pk)


# --- The team -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_adding_someone_already_on_the_team_never_changes_their_role(owner, teammate, account):
    member = account.team_members.get(user=teammate)
    member.role = TeamRole.EXECUTIVE_SPONSOR
    member.save()
    with pytest.raises(ValidationError) as refused:
        services.team_member_add(actor=owner, account=account, user=teammate, role="member")
    assert refused.value.message_dict["user"] == [
        "Na Li is already on the account team as Executive sponsor."
    ]
    assert fresh(AccountTeamMember, member.pk).role == TeamRole.EXECUTIVE_SPONSOR


@pytest.mark.django_db
def test_the_add_form_says_which_role_they_have_now(client_for, owner, teammate, account):
    response = client_for(owner).post(
        reverse("accounts:team", args=[account.pk]),
        {"action": "add", "user": teammate.pk, "role": "sponsor"},
    )
    assert response.status_code == 200
    assert response.context["member_form"].errors["user"] == [
        "Na Li is already on the account team as Team member."
    ]
    assert account.team_members.get(user=teammate).role == TeamRole.MEMBER


@pytest.mark.django_db
def test_a_stale_remove_of_someone_already_removed_removes_nobody_else(
    client_for, owner, teammate, outsider, director, account
):
    TeamMemberFactory(account=account, user=outsider)
    gone = account.team_members.get(user=teammate)
    url = reverse("accounts:team_member_remove", args=[account.pk, gone.pk])
    services.team_member_remove(
        actor=director, account=account, member_pk=gone.pk, expected_version=gone.row_version
    )
    before = list(AccountTeamMember.objects.values_list("pk", "user_id", "role"))

    response = client_for(owner).post(url, {"row_version": gone.row_version}, follow=True)

    assert list(AccountTeamMember.objects.values_list("pk", "user_id", "role")) == before
    assert "Min Chen deleted this team member" in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("accounts:team", args=[account.pk])


@pytest.mark.django_db
def test_a_remove_button_without_the_version_it_showed_is_out_of_date(client_for, owner, account):
    member = account.team_members.get()
    url = reverse("accounts:team_member_remove", args=[account.pk, member.pk])
    response = client_for(owner).post(url, follow=True)
    assert account.team_members.filter(pk=member.pk).exists()
    assert "This page was out of date" in response.content.decode()


@pytest.mark.django_db
def test_reassigning_to_the_same_owner_moves_no_version(director, owner, account):
    version = account.row_version
    services.account_set_owner(
        actor=director, account=account, owner=owner, expected_version=version
    )
    assert fresh(Account, account.pk).row_version == version


@pytest.mark.django_db(transaction=True)
def test_two_people_adding_the_same_person_at_once_add_them_once(director, outsider):
    """Both check "not on the team yet" before either commits; the unique row refuses the
    second insert, which is told, not shown a server error."""
    owner = UserFactory(username="sameowner")
    account = AccountFactory(owner=owner)
    first_added = threading.Event()
    results = {}

    def first():
        try:
            with transaction.atomic():
                services.team_member_add(actor=director, account=account, user=outsider)
                first_added.set()
                # Hold the uncommitted row until the second has checked and tried to insert.
                threading.Event().wait(1.0)
            results["first"] = "added"
        finally:
            connection.close()

    def second():
        try:
            first_added.wait(5)
            services.team_member_add(actor=owner, account=account, user=outsider, role="sponsor")
            results["second"] = "added"
        except ValidationError as error:
            results["second"] = error.message_dict["user"][0]
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert results == {
        "first": "added",
        "second": f"{outsider} is already on the account team as Team member.",
    }
    assert AccountTeamMember.objects.filter(account=account, user=outsider).count() == 1


# --- Complaints ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_resolving_what_someone_else_just_resolved_keeps_both_resolutions(
    client_for, owner, teammate, account
):
    complaint = ComplaintFactory(account=account, owner=owner)
    url = reverse("accounts:complaint_resolve", args=[account.pk, complaint.pk])
    action, data = load(client_for(owner), url)
    services.complaint_resolve(
        actor=teammate,
        complaint=fresh(Complaint, complaint.pk),
        expected_version=complaint.row_version,
        resolution="Replaced the batch",
    )

    data["resolution"] = ["Credit note issued"]
    response = client_for(owner).post(action, data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Na Li changed this complaint" in html
    assert conflict_rows(html)["Resolution"] == [("Credit note issued", "Replaced the batch")]
    assert fresh(Complaint, complaint.pk).resolution == "Replaced the batch"
    # Saving again does not overwrite it either: it is resolved already.
    again = client_for(owner).post(action, form_data(page_form(html, BASE + url)[1], {}))
    assert "already resolved" in again.content.decode()
    assert fresh(Complaint, complaint.pk).resolution == "Replaced the batch"


@pytest.mark.django_db
def test_a_reopen_button_without_its_version_is_out_of_date(client_for, owner, account):
    complaint = ComplaintFactory(
        account=account,
        owner=owner,
        status="resolved",
        resolution="Fixed",
        resolved_on=timezone.localdate(),
    )
    url = reverse("accounts:complaint_reopen", args=[account.pk, complaint.pk])
    response = client_for(owner).post(url, follow=True)
    assert "This page was out of date" in response.content.decode()
    assert fresh(Complaint, complaint.pk).status == "resolved"


# --- A stakeholder, with needs and private notes -------------------------------------------------


@pytest.fixture
def person(account):
    person = StakeholderFactory(account=account, name="Liu Yang", title="CIO")
    PrivateNoteFactory(stakeholder=person, hometown="Hangzhou", notes="Prefers green tea")
    return person


def _save(person, actor, **kwargs):
    current = fresh(Stakeholder, person.pk)
    return stakeholder_services.stakeholder_save(
        actor=actor,
        account=current.account,
        stakeholder=current,
        expected_version=current.row_version,
        fields=kwargs.pop("fields", {}),
        **kwargs,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        {"needs": [{"description": "A reference visit"}]},
        {"private_note": {"notes": "Moving to Shanghai"}},
    ],
    ids=["needs", "private notes"],
)
def test_a_change_to_the_needs_or_the_notes_alone_moves_the_persons_version(owner, person, change):
    before = person.row_version
    _save(person, owner, **change)
    assert fresh(Stakeholder, person.pk).row_version == before + 1
    with pytest.raises(EditConflict):  # a form loaded before it is out of date
        stakeholder_services.stakeholder_save(
            actor=owner,
            account=person.account,
            stakeholder=fresh(Stakeholder, person.pk),
            expected_version=before,
            fields={"title": "CTO"},
        )


@pytest.mark.django_db
def test_the_stale_stakeholder_form_keeps_the_person_needs_and_notes_typed(
    client_for, owner, teammate, account, person
):
    kept = StakeholderNeedFactory(stakeholder=person, description="Less downtime")
    removed = StakeholderNeedFactory(stakeholder=person, description="Cheaper spare parts")
    url = reverse("accounts:stakeholder_edit", args=[account.pk, person.pk])
    action, data = load(client_for(owner), url)
    # The teammate removes one need, rewords the other, adds one, and changes the notes.
    _save(
        person,
        teammate,
        needs=[
            {"id": kept.pk, "description": "No unplanned downtime"},
            {"description": "A reference visit"},
        ],
        private_note={"notes": "Moving to Shanghai"},
    )
    added = StakeholderNeed.objects.get(description="A reference visit")

    rows = {key: data[key][0] for key in data if key.startswith("needs-") and key.endswith("-id")}
    index = {int(value): key.split("-")[1] for key, value in rows.items() if value}
    data["title"] = ["CTO"]
    data["hometown"] = ["Ningbo"]
    data[f"needs-{index[removed.pk]}-description"] = ["Cheaper spare parts, in stock"]
    response = client_for(owner).post(action, data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Na Li changed this stakeholder" in html
    shown = form_data(page_form(html, BASE + url)[1], {})
    assert shown["title"] == ["CTO"] and shown["hometown"] == ["Ningbo"]
    descriptions = {
        key: value[0] for key, value in shown.items() if key.endswith("-description") and value[0]
    }
    # What was typed stays; the need someone added is in the form now, so saving keeps it.
    assert sorted(descriptions.values()) == [
        "A reference visit",
        "Cheaper spare parts, in stock",
        "Less downtime",
    ]
    compared = conflict_rows(html)
    assert ("Cheaper spare parts, in stock (Company need · Open · Explicit)", "—") in compared[
        "Need"
    ]
    assert (
        "Less downtime (Company need · Open · Explicit)",
        "No unplanned downtime (Company need · Open · Explicit)",
    ) in compared["Need"]
    assert ("—", "A reference visit (Company need · Open · Explicit)") in compared["Need"]
    assert compared["Hometown"] == [("Ningbo", "Hangzhou")]
    assert compared["Private notes"] == [("Prefers green tea", "Moving to Shanghai")]
    # Nothing of it was written.
    assert fresh(Stakeholder, person.pk).title == "CIO"
    assert StakeholderPrivateNote.objects.get(stakeholder=person).hometown == "Hangzhou"

    # Having compared, they take the stored wording of the need and save: all of it is kept.
    reworded = next(k for k, v in descriptions.items() if v == "Less downtime")
    shown[reworded] = ["No unplanned downtime"]
    again = client_for(owner).post(action, shown)
    assert again.status_code == 302
    assert fresh(Stakeholder, person.pk).title == "CTO"
    assert sorted(person.needs.values_list("description", flat=True)) == [
        "A reference visit",
        "Cheaper spare parts, in stock",
        "No unplanned downtime",
    ]
    assert person.needs.filter(pk=added.pk).exists()
    note = StakeholderPrivateNote.objects.get(stakeholder=person)
    assert (note.hometown, note.notes) == ("Ningbo", "Prefers green tea")


@pytest.mark.django_db
def test_the_comparison_never_shows_private_notes_to_someone_off_the_team(
    client_for, admin_user, teammate, account, person
):
    url = reverse("accounts:stakeholder_edit", args=[account.pk, person.pk])
    action, data = load(client_for(admin_user), url)
    _save(person, teammate, private_note={"notes": "SECRET-the-new-note"})
    data["title"] = ["CTO"]
    response = client_for(admin_user).post(action, data)
    html = response.content.decode()
    assert "Na Li changed this stakeholder" in html
    assert "SECRET" not in html and "Prefers green tea" not in html and "Hangzhou" not in html
    assert "Private notes" not in conflict_rows(html)


# --- The coverage cell --------------------------------------------------------------------------


def _cell_url(account, person, user):
    return reverse("accounts:coverage_edit", args=[account.pk, person.pk, user.pk])


@pytest.mark.django_db
def test_a_stale_cell_shows_the_conflict_in_place(client_for, owner, teammate, account, person):
    CoverageFactory(stakeholder=person, user=teammate, strength=1, last_contact=None)
    url = _cell_url(account, person, teammate)
    client = client_for(owner)
    cell = client.get(url, headers={"HX-Request": "true"}).content.decode()
    action, form = page_form(cell, BASE + url)
    coverage = Coverage.objects.get()
    coverage_services.coverage_set(
        actor=teammate,
        account=account,
        stakeholder=person,
        user=teammate,
        expected_version=coverage.row_version,
        strength=3,
        last_contact=None,
    )

    response = client.post(
        action, form_data(form, {"strength": "2"}), headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert html.strip().startswith("<td")  # htmx swaps the cell, not the board
    assert "Na Li changed this coverage" in html
    assert conflict_rows(html)["Strength"] == [("2 — working relationship", "3 — trusted")]
    assert Coverage.objects.get().strength == 3


@pytest.mark.django_db
def test_a_cell_whose_row_was_removed_meanwhile_is_a_conflict_then_saves(
    client_for, owner, teammate, account, person
):
    coverage = CoverageFactory(stakeholder=person, user=teammate, strength=2)
    url = _cell_url(account, person, teammate)
    action, data = load(client_for(owner), url)
    coverage_services.coverage_set(
        actor=teammate,
        account=account,
        stakeholder=person,
        user=teammate,
        expected_version=coverage.row_version,
        strength=0,
        last_contact=None,
    )
    data["strength"] = ["3"]
    response = client_for(owner).post(action, data)
    html = response.content.decode()
    assert "Na Li changed this coverage" in html
    assert not Coverage.objects.exists()
    again = client_for(owner).post(action, form_data(page_form(html, BASE + url)[1], {}))
    assert again.status_code == 302
    assert Coverage.objects.get().strength == 3


@pytest.mark.django_db
def test_saving_a_cell_unchanged_moves_no_version(owner, teammate, account, person):
    coverage = CoverageFactory(stakeholder=person, user=teammate, strength=2)
    coverage_services.coverage_set(
        actor=owner,
        account=account,
        stakeholder=person,
        user=teammate,
        expected_version=coverage.row_version,
        strength=coverage.strength,
        last_contact=coverage.last_contact,
    )
    assert Coverage.objects.get().row_version == coverage.row_version


@pytest.mark.django_db(transaction=True)
def test_two_people_filling_the_same_empty_cell_at_once_is_a_conflict_not_an_error():
    owner = UserFactory(username="cellowner")
    teammate = UserFactory(username="cellmate", first_name="Na", last_name="Li")
    account = AccountFactory(owner=owner)
    TeamMemberFactory(account=account, user=teammate)
    person = StakeholderFactory(account=account)
    first_saved = threading.Event()
    results = {}

    def fill(actor, strength, hold):
        try:
            with transaction.atomic():
                coverage_services.coverage_set(
                    actor=actor,
                    account=Account.objects.get(pk=account.pk),
                    stakeholder=person,
                    user=teammate,
                    expected_version=0,
                    strength=strength,
                    last_contact=None,
                )
                if hold:
                    first_saved.set()
                    threading.Event().wait(1.0)
            results[actor.username] = "saved"
        except EditConflict as error:
            results[actor.username] = error.messages[0]
        finally:
            connection.close()

    def second():
        first_saved.wait(5)
        fill(owner, 3, hold=False)

    threads = [
        threading.Thread(target=fill, args=(teammate, 1, True)),
        threading.Thread(target=second),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert results["cellmate"] == "saved"
    assert results["cellowner"].startswith("Na Li changed this coverage")
    assert Coverage.objects.get().strength == 1


# --- The relationship ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_stale_checklist_keeps_the_ticks_and_shows_the_latest_run(
    client_for, owner, teammate, account
):
    url = reverse("accounts:stage_assessment", args=[account.pk])
    action, data = load(client_for(owner), url)
    relationship_services.stage_assess(
        actor=teammate, account=account, expected_latest=0, signs=["single_contact"]
    )
    data["signs"] = ["first_orders"]
    response = client_for(owner).post(action, data)
    html = response.content.decode()
    assert "Na Li changed this stage assessment" in html
    assert 'value="first_orders" id="sign-first_orders" checked' in html
    assert 'value="single_contact" id="sign-single_contact" checked' not in html
    yours, stored = conflict_rows(html)["Signs you observe"][0]
    assert "First orders placed" in yours and "A single contact" in stored
    assert StageAssessment.objects.count() == 1


@pytest.mark.django_db
def test_setting_the_stage_it_has_moves_no_version(owner, account):
    version = account.row_version
    change = relationship_services.stage_change(
        actor=owner,
        account=account,
        expected_version=version,
        to_stage=account.relationship_stage,
        target_stage=account.target_stage,
        rationale="Same as before.",
    )
    assert change is None
    assert fresh(Account, account.pk).row_version == version


# --- The Django admin ---------------------------------------------------------------------------


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", first_name="Yu", last_name="Sun", is_staff=True,
                       is_superuser=True)  # fmt: skip


@pytest.mark.django_db
def test_the_admin_refuses_a_save_from_a_stale_page(client_for, superuser, teammate, account):
    # Complaints are read-only in the admin (tests/accounts/test_admin.py); accounts remain.
    record = account
    url = reverse("admin:accounts_account_change", args=[account.pk])

    def teammate_changes_it():
        services.account_update(
            actor=teammate,
            account=fresh(Account, account.pk),
            expected_version=account.row_version,
            description="The teammate's description",
        )

    field, value = "name", "Renamed in the admin"
    client = client_for(superuser)
    action, data = load(client, url, action_suffix="/change/")
    assert data["row_version"] == [str(record.row_version)]
    data[field] = [value]
    data["_save"] = ["Save"]
    teammate_changes_it()
    stored = type(record).objects.filter(pk=record.pk).values().get()

    response = client.post(action, data)

    assert response.status_code == 200
    assert "Na Li changed this" in response.content.decode()
    assert type(record).objects.filter(pk=record.pk).values().get() == stored
    # A page loaded now saves.
    action, data = load(client, url, action_suffix="/change/")
    data[field] = [value]
    data["_save"] = ["Save"]
    assert client.post(action, data).status_code == 302
    assert getattr(fresh(type(record), record.pk), field) == value


@pytest.mark.django_db
def test_the_admin_still_adds_records(client_for, superuser, owner):
    client = client_for(superuser)
    action, data = load(client, reverse("admin:accounts_account_add"), action_suffix="/add/")
    data.update(
        {"name": ["Added in the admin"], "industry": ["energy"], "region": ["east"], "_save": [""]}
    )
    data["category"] = ["normal"]
    response = client.post(action, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Account.objects.get(name="Added in the admin").row_version == 1
