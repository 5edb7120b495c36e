"""Stakeholders: the list tab, adding and editing people with their needs and private notes,
marking them as left and back, the reporting-loop rule and the social-style guidance."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import (
    Attitude,
    BuyingRole,
    SocialStyle,
    Stakeholder,
    StakeholderNeed,
    StakeholderPrivateNote,
    StakeholderStatus,
)
from accounts.stakeholders import services
from accounts.stakeholders.guidance import GUIDANCE, guidance_for
from accounts.stakeholders.rules import reporting_cycle
from tests.factories import (
    CoverageFactory,
    PrivateNoteFactory,
    StakeholderFactory,
    StakeholderNeedFactory,
)

pytestmark = pytest.mark.django_db

# --- The reporting-loop rule (pure) -------------------------------------------------------------


def test_reporting_to_oneself_is_a_loop():
    assert reporting_cycle({1: None}, 1, 1) == [1]


def test_a_direct_loop_is_found():
    # B reports to A; A may not now report to B.
    assert reporting_cycle({1: None, 2: 1}, 1, 2) == [1, 2]


def test_a_three_long_loop_is_found():
    # C → B → A; A reporting to C closes A → C → B → A.
    assert reporting_cycle({1: None, 2: 1, 3: 2}, 1, 3) == [1, 3, 2]


def test_a_plain_line_is_not_a_loop():
    assert reporting_cycle({1: None, 2: 1, 3: 2}, 3, 1) is None
    assert reporting_cycle({1: None, 2: 1}, 2, None) is None


def test_an_old_loop_higher_up_is_not_blamed_on_this_change():
    assert reporting_cycle({2: 3, 3: 2}, 1, 2) is None


# --- Guidance ------------------------------------------------------------------------------------


def test_every_social_style_has_guidance_with_dos_and_donts():
    assert set(GUIDANCE) == set(SocialStyle)
    for guidance in GUIDANCE.values():
        assert str(guidance.summary)
        assert len(guidance.do) >= 3 and len(guidance.dont) >= 2
    assert "data" in str(guidance_for("analytical").summary)
    assert "brief" in str(guidance_for("driver").summary)
    assert guidance_for("") is None and guidance_for("nonsense") is None


# --- List tab -----------------------------------------------------------------------------------


def list_url(account):
    return reverse("accounts:stakeholders", args=[account.pk])


def test_the_list_shows_active_people_first_and_those_who_left_apart(client_for, owner, account):
    StakeholderFactory(account=account, name="Low Influence", influence=1)
    StakeholderFactory(account=account, name="Big Boss", influence=5, attitude=Attitude.SUPPORTER)
    StakeholderFactory(
        account=account, name="Gone Person", status=StakeholderStatus.LEFT, left_on="2026-01-01"
    )
    response = client_for(owner).get(list_url(account))
    html = response.content.decode()
    people = response.context["people"]
    assert [p.name for p in people.active] == ["Big Boss", "Low Influence"]
    assert [p.name for p in people.departed] == ["Gone Person"]
    assert html.index("Big Boss") < html.index("Low Influence") < html.index("Gone Person")
    assert 'data-testid="departed"' in html
    assert "kam-attitude-supporter" in html
    assert 'data-testid="map-report"' in html
    assert reverse("accounts:stakeholder_create", args=[account.pk]) in html
    assert reverse("accounts:stakeholder_org_chart", args=[account.pk]) in html


def test_an_empty_list_says_what_to_do_next(client_for, owner, account):
    html = client_for(owner).get(list_url(account)).content.decode()
    assert "No stakeholders mapped yet." in html
    assert "Add the first stakeholder" in html


def test_a_director_sees_the_list_without_add_or_edit_buttons(client_for, director, account):
    person = StakeholderFactory(account=account)
    client = client_for(director)
    html = client.get(list_url(account)).content.decode()
    assert person.name in html
    assert reverse("accounts:stakeholder_create", args=[account.pk]) not in html
    card = client.get(reverse("accounts:stakeholder_detail", args=[account.pk, person.pk]))
    assert reverse("accounts:stakeholder_edit", args=[account.pk, person.pk]) not in (
        card.content.decode()
    )


# --- Add and edit -------------------------------------------------------------------------------


def form_data(**overrides):
    data = {
        "name": "Liu Yang",
        "title": "CIO",
        "department": "IT",
        "reports_to": "",
        "buying_role": BuyingRole.DECISION_MAKER,
        "attitude": Attitude.NEUTRAL,
        "influence": "5",
        "involvement": "3",
        "social_style": SocialStyle.DRIVER,
        "motivations": "Wants to be seen as the moderniser",
        "email": "liu@example.com",
        "phone": "+86 21 5555 0101",
        "wechat": "liuyang",
        "needs-TOTAL_FORMS": "0",
        "needs-INITIAL_FORMS": "0",
        "needs-MIN_NUM_FORMS": "0",
        "needs-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def with_needs(data, needs, initial=0):
    data = dict(data)
    data["needs-TOTAL_FORMS"] = str(len(needs))
    data["needs-INITIAL_FORMS"] = str(initial)
    for index, need in enumerate(needs):
        for key, value in need.items():
            data[f"needs-{index}-{key}"] = value
    return data


def test_a_manager_adds_a_person_with_needs_and_private_notes(client_for, owner, account):
    data = with_needs(
        form_data(hometown="Hangzhou", interests="Tea", family="Two sons", birthday="1975-04-02"),
        [
            {
                "description": "Cut downtime",
                "scope": "company",
                "openness": "open",
                "expression": "explicit",
            },
            {
                "description": "Promotion to CTO",
                "scope": "personal",
                "openness": "private",
                "expression": "implied",
            },
            {"description": "", "scope": "company", "openness": "open", "expression": "explicit"},
        ],
    )
    url = reverse("accounts:stakeholder_create", args=[account.pk])
    response = client_for(owner).post(url, data)

    person = Stakeholder.objects.get(account=account)
    assert response.status_code == 302
    assert response.url == reverse("accounts:stakeholder_detail", args=[account.pk, person.pk])
    assert person.name == "Liu Yang" and person.influence == 5
    assert person.social_style == SocialStyle.DRIVER
    assert sorted(person.needs.values_list("description", "scope", "openness", "expression")) == [
        ("Cut downtime", "company", "open", "explicit"),
        ("Promotion to CTO", "personal", "private", "implied"),
    ]
    note = StakeholderPrivateNote.objects.get(stakeholder=person)
    assert note.hometown == "Hangzhou" and note.birthday.isoformat() == "1975-04-02"
    assert person.history.first().history_user == owner


def test_editing_updates_adds_and_removes_needs(client_for, owner, account):
    person = StakeholderFactory(account=account, name="Ma Rui")
    keep = StakeholderNeedFactory(stakeholder=person, description="Keep me")
    drop = StakeholderNeedFactory(stakeholder=person, description="Drop me")
    data = with_needs(
        form_data(name="Ma Rui", row_version=person.row_version),
        [
            {"id": keep.pk, "description": "Keep me, reworded", "scope": "company",
             "openness": "open", "expression": "explicit"},
            {"id": drop.pk, "description": "Drop me", "scope": "company", "openness": "open",
             "expression": "explicit", "DELETE": "on"},
            {"description": "Brand new", "scope": "personal", "openness": "open",
             "expression": "implied"},
        ],
        initial=2,
    )  # fmt: skip
    response = client_for(owner).post(
        reverse("accounts:stakeholder_edit", args=[account.pk, person.pk]), data
    )
    assert response.status_code == 302
    assert sorted(person.needs.values_list("description", flat=True)) == [
        "Brand new",
        "Keep me, reworded",
    ]


def test_the_add_a_need_button_shows_one_more_row_and_saves_nothing(client_for, owner, account):
    data = with_needs(form_data(add_need="1"), [{"description": "First"}])
    url = reverse("accounts:stakeholder_create", args=[account.pk])
    response = client_for(owner).post(url, data)
    assert response.status_code == 200
    assert response.context["needs"].total_form_count() == 2
    assert not Stakeholder.objects.exists()


def test_reports_to_offers_only_active_people_of_this_account_and_never_themself(
    client_for, owner, account
):
    person = StakeholderFactory(account=account, name="Me")
    colleague = StakeholderFactory(account=account, name="Colleague")
    StakeholderFactory(account=account, name="Gone", status="left", left_on="2026-01-01")
    StakeholderFactory(name="Other account person")
    response = client_for(owner).get(
        reverse("accounts:stakeholder_edit", args=[account.pk, person.pk])
    )
    choices = list(response.context["form"].fields["reports_to"].queryset)
    assert choices == [colleague]


def test_someone_whose_manager_left_can_still_be_edited(client_for, owner, account):
    boss = StakeholderFactory(account=account, name="Boss", status="left", left_on="2026-01-01")
    person = StakeholderFactory(account=account, name="Report", reports_to=boss)
    response = client_for(owner).post(
        reverse("accounts:stakeholder_edit", args=[account.pk, person.pk]),
        form_data(
            name="Report",
            reports_to=str(boss.pk),
            title="New title",
            row_version=person.row_version,
        ),
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.title == "New title" and person.reports_to == boss


def test_an_admin_off_the_team_edits_a_person_but_cannot_touch_private_notes(
    client_for, admin_user, account
):
    person = StakeholderFactory(account=account, name="Ma Rui")
    PrivateNoteFactory(stakeholder=person, hometown="Suzhou")
    client = client_for(admin_user)
    page = client.get(reverse("accounts:stakeholder_edit", args=[account.pk, person.pk]))
    assert page.context["note_form"] is None and b"Suzhou" not in page.content
    response = client.post(
        reverse("accounts:stakeholder_edit", args=[account.pk, person.pk]),
        form_data(
            name="Ma Rui", hometown="Beijing", notes="Overwritten", row_version=person.row_version
        ),
    )
    assert response.status_code == 302
    note = StakeholderPrivateNote.objects.get(stakeholder=person)
    assert note.hometown == "Suzhou" and note.notes == ""


def test_the_service_refuses_private_notes_from_someone_off_the_team(admin_user, account):
    person = StakeholderFactory(account=account)
    with pytest.raises(PermissionDenied):
        services.stakeholder_save(
            actor=admin_user,
            account=account,
            stakeholder=person,
            expected_version=person.row_version,
            fields={},
            private_note={"hometown": "Beijing"},
        )
    assert not StakeholderPrivateNote.objects.exists()


def test_the_service_refuses_a_need_of_another_person(owner, account):
    person = StakeholderFactory(account=account)
    foreign = StakeholderNeedFactory(description="Not yours")
    with pytest.raises(ValidationError):
        services.stakeholder_save(
            actor=owner,
            account=account,
            stakeholder=person,
            expected_version=person.row_version,
            fields={},
            needs=[{"id": foreign.pk, "description": "Hijacked"}],
        )
    foreign.refresh_from_db()
    assert foreign.description == "Not yours"


def test_the_service_names_the_people_in_a_three_long_loop(owner, account):
    a = StakeholderFactory(account=account, name="Anna")
    b = StakeholderFactory(account=account, name="Bo", reports_to=a)
    c = StakeholderFactory(account=account, name="Chen", reports_to=b)
    with pytest.raises(ValidationError) as caught:
        services.stakeholder_save(
            actor=owner,
            account=account,
            stakeholder=a,
            expected_version=a.row_version,
            fields={"reports_to": c},
        )
    message = caught.value.message_dict["reports_to"][0]
    assert "Anna → Chen → Bo → Anna" in message
    a.refresh_from_db()
    assert a.reports_to is None


# --- The card -----------------------------------------------------------------------------------


def test_the_card_shows_everything_about_the_person(client_for, owner, teammate, account):
    boss = StakeholderFactory(account=account, name="Boss Person")
    person = StakeholderFactory(
        account=account,
        name="Ma Rui",
        reports_to=boss,
        social_style=SocialStyle.ANALYTICAL,
        buying_role=BuyingRole.COACH,
        attitude=Attitude.SUPPORTER,
        motivations="Recognition",
        wechat="marui88",
    )
    report = StakeholderFactory(account=account, name="Report Person", reports_to=person)
    StakeholderNeedFactory(stakeholder=person, description="Faster delivery", scope="company")
    StakeholderNeedFactory(stakeholder=person, description="Less overtime", scope="personal")
    CoverageFactory(stakeholder=person, user=teammate, strength=3)
    PrivateNoteFactory(stakeholder=person, hometown="Suzhou")

    response = client_for(owner).get(
        reverse("accounts:stakeholder_detail", args=[account.pk, person.pk])
    )
    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Ma Rui", "Coach / insider", "Supporter", "Recognition", "marui88", "Faster delivery",
        "Less overtime", "Company need", "Personal need", "Boss Person", "Report Person",
        str(teammate), "3 — trusted", "Suzhou", "Bring data and detail",
    ):  # fmt: skip
        assert text in html, text
    assert reverse("accounts:stakeholder_detail", args=[account.pk, boss.pk]) in html
    assert reverse("accounts:stakeholder_detail", args=[account.pk, report.pk]) in html
    assert 'data-style="analytical"' in html


def test_an_unknown_or_foreign_stakeholder_is_a_404(client_for, owner, account):
    foreign = StakeholderFactory(name="Foreign")
    client = client_for(owner)
    for pk in (foreign.pk, 999999):
        url = reverse("accounts:stakeholder_detail", args=[account.pk, pk])
        assert client.get(url).status_code == 404
    assert client.get(f"/accounts/{account.pk}/stakeholders/abc/").status_code == 404


# --- Left the company and back -------------------------------------------------------------------


def test_marking_someone_as_left_keeps_their_reports_line_and_says_so(client_for, owner, account):
    boss = StakeholderFactory(account=account, name="Boss")
    report = StakeholderFactory(account=account, name="Report", reports_to=boss)
    client = client_for(owner)
    response = client.post(
        reverse("accounts:stakeholder_mark_left", args=[account.pk, boss.pk]),
        {"left_on": "2026-02-01", "row_version": boss.row_version},
        follow=True,
    )
    boss.refresh_from_db()
    report.refresh_from_db()
    assert boss.status == StakeholderStatus.LEFT and boss.left_on.isoformat() == "2026-02-01"
    assert report.reports_to == boss
    assert "1 direct report keeps the line to them" in response.content.decode()

    client.post(
        reverse("accounts:stakeholder_reinstate", args=[account.pk, boss.pk]),
        {"row_version": boss.row_version},
    )
    boss.refresh_from_db()
    assert boss.status == StakeholderStatus.ACTIVE and boss.left_on is None


def test_a_leaving_date_in_the_future_is_a_field_error(client_for, owner, account):
    person = StakeholderFactory(account=account)
    future = (timezone.localdate() + timezone.timedelta(days=3)).isoformat()
    response = client_for(owner).post(
        reverse("accounts:stakeholder_mark_left", args=[account.pk, person.pk]),
        {"left_on": future, "row_version": person.row_version},
    )
    assert response.status_code == 200
    assert "left_on" in response.context["mark_left_form"].errors
    person.refresh_from_db()
    assert person.status == StakeholderStatus.ACTIVE


def test_mark_left_answers_only_post(client_for, owner, account):
    person = StakeholderFactory(account=account)
    response = client_for(owner).get(
        reverse("accounts:stakeholder_mark_left", args=[account.pk, person.pk])
    )
    assert response.status_code == 405


def test_deleting_a_person_is_not_offered_and_needs_survive_edits(owner, account):
    person = StakeholderFactory(account=account)
    StakeholderNeedFactory(stakeholder=person)
    services.stakeholder_save(
        actor=owner,
        account=account,
        stakeholder=person,
        expected_version=person.row_version,
        fields={"title": "X"},
    )
    assert StakeholderNeed.objects.filter(stakeholder=person).count() == 1


# --- History -------------------------------------------------------------------------------------


def test_the_history_tab_shows_stakeholder_changes_and_private_notes_to_the_team_only(
    client_for, owner, director, account
):
    boss = StakeholderFactory(account=account, name="Boss Person")
    client = client_for(owner)
    client.post(
        reverse("accounts:stakeholder_create", args=[account.pk]),
        with_needs(
            form_data(name="Ma Rui", reports_to=str(boss.pk), hometown="Ningbo-private"),
            [{"description": "Faster delivery", "scope": "company", "openness": "open",
              "expression": "explicit"}],
        ),
    )  # fmt: skip
    url = reverse("accounts:history", args=[account.pk])
    team_view = client.get(url).content.decode()
    assert "Ma Rui" in team_view and "Faster delivery" in team_view
    assert "Boss Person" in team_view  # reports_to shown by name, not id
    assert "Ningbo-private" in team_view
    director_view = client_for(director).get(url).content.decode()
    assert "Ma Rui" in director_view and "Faster delivery" in director_view
    assert "Ningbo-private" not in director_view
