"""What the demo knows about the people on a map: their needs, private notes for some, and who of
our team knows them (coverage), how well and since when."""

import random
from datetime import date, timedelta

from accounts.demo.maps import SINGLE_THREADED, STALE_DAYS, MapRows, MapState, is_key_person
from accounts.demo.portfolio import pick
from accounts.demo.relationship_words import (
    COMPANY_NEEDS,
    FAMILIES,
    INTERESTS,
    PERSONAL_NEEDS,
    PRIVATE_NOTES,
)
from accounts.demo.words import CITIES
from accounts.models import (
    AccountTeamMember,
    BuyingRole,
    Category,
    Coverage,
    NeedExpression,
    NeedOpenness,
    NeedScope,
    Stakeholder,
    StakeholderNeed,
    StakeholderPrivateNote,
    TeamRole,
)

OWNER_STRENGTH = {0: 4, 1: 26, 2: 40, 3: 30}
MEMBER_STRENGTH = {0: 10, 1: 40, 2: 35, 3: 15}
HOMETOWNS = tuple(city for cities in CITIES.values() for city in cities)


class DetailsBuilder:
    def __init__(self, rng: random.Random, today: date, spare_users: list[int]):
        self.rng = rng
        self.today = today
        self.spare_users = spare_users  # managers who can join a story account's team

    def needs_and_notes(self, m: MapState, rows: MapRows) -> None:
        rng = self.rng
        key_account = m.account["category"] == Category.KEY
        text = 0 if m.language == "zh" else 1
        for position, person in enumerate(m.people):
            key_person = is_key_person(person)
            if key_account and key_person:
                count = rng.randint(1, 3)
            elif position == 0 and rng.random() < 0.4:
                count = 1
            else:
                count = 0
            for index in range(count):
                personal = index > 0 and rng.random() < 0.6
                rows.needs.append(
                    StakeholderNeed(
                        stakeholder=person,
                        description=rng.choice(PERSONAL_NEEDS if personal else COMPANY_NEEDS)[text],
                        scope=NeedScope.PERSONAL if personal else NeedScope.COMPANY,
                        openness=NeedOpenness.PRIVATE
                        if rng.random() < (0.7 if personal else 0.2)
                        else NeedOpenness.OPEN,
                        expression=NeedExpression.IMPLIED
                        if rng.random() < (0.6 if personal else 0.3)
                        else NeedExpression.EXPLICIT,
                    )
                )
            chance = (0.6 if key_person else 0.1) if key_account else 0.08
            if rng.random() < chance:
                rows.notes.append(self._note(person, text))

    def _note(self, person: Stakeholder, text: int) -> StakeholderPrivateNote:
        rng = self.rng
        birthday = None
        if rng.random() < 0.8:
            birthday = date(rng.randint(1965, 1996), rng.randint(1, 12), rng.randint(1, 28))
        hometown = rng.choice(HOMETOWNS)
        hometown = hometown[0] if text == 0 else hometown[1].title()
        interests = [interest[text] for interest in rng.sample(INTERESTS, rng.randint(1, 3))]
        return StakeholderPrivateNote(
            stakeholder=person,
            birthday=birthday,
            hometown=hometown if rng.random() < 0.7 else "",
            interests=("、" if text == 0 else ", ").join(interests) if rng.random() < 0.8 else "",
            family=rng.choice(FAMILIES)[text] if rng.random() < 0.5 else "",
            notes=rng.choice(PRIVATE_NOTES)[text],
        )

    def coverage(self, m: MapState, team: list[tuple[int, str]], rows: MapRows) -> None:
        rng = self.rng
        owner = m.account["owner_id"]
        if owner is None:
            return
        category = m.account["category"]
        members = [user for user, role in team if role == TeamRole.MEMBER and user != owner]
        sponsors = [user for user, role in team if role == TeamRole.EXECUTIVE_SPONSOR]
        single = m.story == SINGLE_THREADED or (
            m.story is None and category == Category.KEY and rng.random() < 0.12
        )
        if m.story and not single and not members:
            # A story that needs two of our people on an account whose team is only its owner.
            spare = next(user for user in self.spare_users if user != owner)
            rows.team.append(
                AccountTeamMember(
                    account_id=m.account["id"],
                    user_id=spare,
                    role=TeamRole.MEMBER,
                    joined_on=self.today - timedelta(days=rng.randint(200, 400)),
                )
            )
            members = [spare]
        if single:
            members, sponsors = [], []
        for position, person in enumerate(m.people):
            key_person = is_key_person(person)
            decider = person.buying_role == BuyingRole.DECISION_MAKER
            if m.story:
                chance = 1 if key_person else 0.7
            elif category == Category.KEY:
                chance = 0.92 if key_person else 0.55
            elif category == Category.LOST:
                chance = 0.5
            else:
                chance = 0.6 if person.reports_to is None or position < 4 else 0.3
            if rng.random() < chance:
                strength = 3 if m.story and decider else pick(rng, OWNER_STRENGTH)
                if m.story:
                    strength = max(1, strength)
                rows.coverage.append(self._cover(m, person, owner, strength, decider))
            for index, member in enumerate(members):
                story_pick = m.story and index == 0 and person.buying_role == BuyingRole.COACH
                if story_pick or rng.random() < (0.35 if category == Category.KEY else 0.1):
                    strength = pick(rng, MEMBER_STRENGTH)
                    if m.story:
                        strength = max(2, strength)
                    rows.coverage.append(self._cover(m, person, member, strength, False))
            if sponsors and person.reports_to is None and rng.random() < 0.7:
                strength = pick(rng, {1: 40, 2: 40, 3: 20})
                rows.coverage.append(self._cover(m, person, sponsors[0], strength, False))

    def _cover(self, m: MapState, person, user: int, strength: int, decider: bool) -> Coverage:
        rng = self.rng
        category = m.account["category"]
        if m.story and decider:
            days = rng.randint(95, 130) if m.stale else rng.randint(2, 20)
        elif not m.story and rng.random() < 0.08:
            days = None
        elif category == Category.LOST:
            days = rng.randint(180, 540)
        elif m.stale:
            days = rng.randint(STALE_DAYS, 180)
        elif category == Category.KEY:
            days = min(180, int(rng.expovariate(1 / 25)))
        else:
            days = rng.randint(0, 180)
        if days is not None and person.left_on:
            days = max(days, (self.today - person.left_on).days + rng.randint(0, 60))
        return Coverage(
            stakeholder=person,
            user_id=user,
            strength=strength,
            last_contact=None if days is None else self.today - timedelta(days=days),
        )
