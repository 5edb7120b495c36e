"""One demo account's stakeholder map: the people, as an org tree (the top person, heads of
departments under them, staff under the heads), with roles, attitudes, styles and a few leavers;
coverage.py adds their needs, private notes and who of our team knows them.

Key accounts get 5 to 15 people, normal and target accounts 2 to 6, lost ones 0 to 3. The demo
managers' key accounts each tell one story (STORIES) so their maps show the whole range of map
warnings; every other map is left to chance."""

import random
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

from accounts.demo.coverage import DetailsBuilder
from accounts.demo.maps import (
    KEY_PERSON_LEFT,
    OPPOSED,
    STALE,
    STALE_DAYS,
    MapRows,
    MapState,
)
from accounts.demo.portfolio import pick
from accounts.demo.relationship_words import (
    ENGLISH_FIRST_NAMES,
    FAMILY_NAMES,
    FUNCTIONS_BY_KEY,
    GIVEN_NAMES,
    MOTIVATIONS,
    OVERSEAS_FIRST_NAMES,
    OVERSEAS_LAST_NAMES,
    TOPS,
)
from accounts.demo.words import PUBLIC_INDUSTRIES
from accounts.models import (
    Attitude,
    BuyingRole,
    Category,
    Industry,
    Region,
    SocialStyle,
    Stakeholder,
    StakeholderStatus,
)

MAP_SIZE = {Category.KEY: (5, 15), Category.LOST: (0, 3)}
STALE_CHANCE = {Category.KEY: 0.08, Category.NORMAL: 0.3, Category.TARGET: 0.4, Category.LOST: 1}
COACH_CHANCE = {Category.KEY: 0.8, Category.NORMAL: 0.3, Category.TARGET: 0.15}
STAFF_WEIGHT = {"purchasing": 3, "production": 3, "engineering": 2}
ATTITUDES = {Attitude.SUPPORTER: 35, Attitude.NEUTRAL: 50, Attitude.OPPONENT: 15}
DECIDER_ATTITUDES = {Attitude.SUPPORTER: 45, Attitude.NEUTRAL: 45, Attitude.OPPONENT: 10}
LOST_ATTITUDES = {Attitude.SUPPORTER: 15, Attitude.NEUTRAL: 45, Attitude.OPPONENT: 40}


class MapBuilder:
    def __init__(self, rng: random.Random, today: date, tz, spare_users: list[int]):
        self.rng = rng
        self.today = today
        self.tz = tz
        self.details = DetailsBuilder(rng, today, spare_users)

    def build(self, account: dict, team: list[tuple[int, str]], story, rows: MapRows) -> None:
        rng = self.rng
        category = account["category"]
        low, high = (8, 12) if story else MAP_SIZE.get(category, (2, 6))
        size = rng.randint(low, high)
        if not size:
            return
        first_day = account["created_at"].date()
        old_enough = (self.today - first_day).days > STALE_DAYS + 60
        stale = story == STALE or (
            story is None and old_enough and rng.random() < STALE_CHANCE.get(category, 0)
        )
        name = account["name"]
        if not name.isascii():
            language = "zh"
        else:
            language = "overseas" if account["region"] == Region.OVERSEAS else "en"
        host = urlsplit(account["website"]).hostname or "" if account["website"] else ""
        m = MapState(
            account=account,
            story=story,
            language=language,
            domain=host.removeprefix("www."),
            first_day=first_day,
            last_day=self.today - timedelta(days=STALE_DAYS if stale else 0),
            stale=stale,
        )
        self._people(m, size, rows)
        self.details.needs_and_notes(m, rows)
        self.details.coverage(m, team, rows)
        if stale:
            rows.stale_accounts.append(account["id"])

    # --- People --------------------------------------------------------------------------------

    def _people(self, m: MapState, size: int, rows: MapRows) -> None:
        rng = self.rng
        account = m.account
        top_words = TOPS.get(account["industry"], TOPS[""])
        top = self._person(m, top_words[:2], top_words[2:], BuyingRole.DECISION_MAKER, 5, None)
        top.involvement = rng.randint(1, 3)
        rows.levels[0].append(top)
        if account["industry"] in PUBLIC_INDUSTRIES:
            others = ["engineering", "it", "finance", "deputy"]
        else:
            line = "production" if account["industry"] in _MAKERS else "it"
            others = ["engineering", "quality", line, "finance", "deputy"]
        rng.shuffle(others)
        order = ["purchasing", *others]
        head_count = size - 1
        if size > 3:
            head_count = max(2, min(len(order), round(head_count * rng.uniform(0.35, 0.55))))
        if m.story == KEY_PERSON_LEFT and "deputy" not in order[:head_count]:
            order.remove("deputy")
            order.insert(head_count - 1, "deputy")
        heads = {}
        for key in order[:head_count]:
            function = FUNCTIONS_BY_KEY[key]
            head = self._person(
                m, function.head, function.department, function.role, function.influence, top
            )
            head.involvement = rng.randint(*function.involvement)
            heads[key] = head
            rows.levels[1].append(head)
        keys = list(heads)
        for _ in range(size - 1 - head_count):
            key = rng.choices(keys, weights=[STAFF_WEIGHT.get(k, 1) for k in keys])[0]
            function = FUNCTIONS_BY_KEY[key]
            person = self._person(
                m,
                rng.choice(function.staff),
                function.department,
                function.staff_role,
                (1, min(3, function.influence[0])),
                heads[key],
            )
            person.involvement = rng.randint(*function.involvement)
            rows.levels[2].append(person)
        self._second_decision_maker(m, heads)
        self._coach(m, top)
        self._attitudes_and_styles(m, top)
        self._leavers(m, top, heads)

    def _person(self, m, title, department, role, influence, reports_to) -> Stakeholder:
        rng = self.rng
        taken = {person.name for person in m.people}
        for _ in range(5):
            name, first, last = self._name(m.language)
            if name not in taken:
                break
        english = m.language != "zh"
        email = ""
        if m.domain and rng.random() < 0.7:
            email = f"{first}.{last}@{m.domain}" if english else f"{last}{first}@{m.domain}"
        if m.language == "overseas":
            code = rng.choice(("65", "60", "66", "84", "62", "971"))
            phone = f"+{code} {rng.randrange(10**7, 10**8)}"
        else:
            phone = f"1{rng.choice('35789')}{rng.randrange(10**9):09d}"
        wechat = ""
        if m.language != "overseas" and rng.random() < (0.3 if english else 0.5):
            wechat = f"{first}{last}{rng.randint(10, 99)}"
        span = max(0, (m.last_day - m.first_day).days)
        created = min(m.last_day, m.first_day + timedelta(days=rng.randint(0, span)))
        person = Stakeholder(
            account_id=m.account["id"],
            name=name,
            title=title[1 if english else 0],
            department=department[1 if english else 0],
            reports_to=reports_to,
            buying_role=role,
            influence=influence if isinstance(influence, int) else rng.randint(*influence),
            email=email,
            phone=phone if rng.random() < 0.8 else "",
            wechat=wechat,
            created_at=self._at(created),
        )
        m.people.append(person)
        return person

    def _at(self, day: date) -> datetime:
        return datetime.combine(day, time(self.rng.randint(9, 18), self.rng.randrange(60)), self.tz)

    def _name(self, language: str) -> tuple[str, str, str]:
        """The full name, and the given and family names in Latin letters for e-mail addresses."""
        rng = self.rng
        if language == "overseas":
            first, last = rng.choice(OVERSEAS_FIRST_NAMES), rng.choice(OVERSEAS_LAST_NAMES)
            return f"{first} {last}", first.lower().replace(" ", ""), last.lower()
        family, family_latin = rng.choice(FAMILY_NAMES)
        if language == "en":
            first = rng.choice(ENGLISH_FIRST_NAMES)
            return f"{first} {family_latin.title()}", first.lower(), family_latin
        given, given_latin = rng.choice(GIVEN_NAMES)
        return family + given, given_latin, family_latin

    def _second_decision_maker(self, m: MapState, heads: dict) -> None:
        if m.story == KEY_PERSON_LEFT:
            second = heads["deputy"]
        elif m.story is None and m.account["category"] == Category.KEY and self.rng.random() < 0.3:
            second = heads.get("deputy") or heads.get("purchasing")
        else:
            return
        if second is not None:
            second.buying_role = BuyingRole.DECISION_MAKER
            second.influence = max(4, second.influence)

    def _coach(self, m: MapState, top: Stakeholder) -> None:
        chance = 1 if m.story else COACH_CHANCE.get(m.account["category"], 0)
        if self.rng.random() >= chance:
            return
        candidates = [
            p
            for p in m.people
            if p is not top and p.buying_role != BuyingRole.DECISION_MAKER and p.department
        ]
        inside = [p for p in candidates if p.buying_role not in (BuyingRole.GATEKEEPER,)]
        if inside or candidates:
            coach = self.rng.choice(inside or candidates)
            coach.buying_role = BuyingRole.COACH
            coach.involvement = max(3, coach.involvement)

    def _attitudes_and_styles(self, m: MapState, top: Stakeholder) -> None:
        rng = self.rng
        key = m.account["category"] == Category.KEY
        for person in m.people:
            if person.buying_role == BuyingRole.COACH:
                person.attitude = Attitude.SUPPORTER
            elif m.story and person.buying_role == BuyingRole.DECISION_MAKER:
                opposed = m.story == OPPOSED and person is top
                person.attitude = Attitude.OPPONENT if opposed else Attitude.SUPPORTER
            elif m.account["category"] == Category.LOST:
                person.attitude = pick(rng, LOST_ATTITUDES)
            elif person.buying_role == BuyingRole.DECISION_MAKER:
                person.attitude = pick(rng, DECIDER_ATTITUDES)
            else:
                person.attitude = pick(rng, ATTITUDES)
            if key or rng.random() < 0.9:
                person.social_style = rng.choice(SocialStyle.values)
            if key and person.influence >= 3 and rng.random() < 0.7:
                person.motivations = rng.choice(MOTIVATIONS[person.buying_role])[
                    0 if m.language == "zh" else 1
                ]

    def _leavers(self, m: MapState, top: Stakeholder, heads: dict) -> None:
        rng = self.rng
        if m.story == KEY_PERSON_LEFT:
            self._leave(heads["deputy"], self.today - timedelta(days=rng.randint(10, 40)))
            return
        if m.story or m.stale:
            return
        for person in m.people:
            if person is top or person.buying_role in (BuyingRole.COACH, BuyingRole.DECISION_MAKER):
                continue
            if rng.random() < 0.06:
                left_on = self.today - timedelta(days=rng.randint(1, 365))
                if left_on > person.created_at.date():
                    self._leave(person, left_on)

    def _leave(self, person: Stakeholder, left_on: date) -> None:
        person.status = StakeholderStatus.LEFT
        person.left_on = left_on
        if person.created_at.date() >= left_on:
            person.created_at -= timedelta(days=(person.created_at.date() - left_on).days + 200)


_MAKERS = (Industry.MANUFACTURING, Industry.ENERGY, Industry.HEALTHCARE)
