"""Builds the planning demo rows for a batch of accounts at a time: plans for key accounts, a year
of visits for key accounts, opportunities for key and target accounts, half a year of check-in
calls and visits for every other owned account, and at the end the loss records of two of
`manager`'s lost accounts. See planning/demo/__init__.py.

Contact is what the churn-risk model looks at first (days since the last reported visit against
the tier's cadence), so the demo keeps it honest: most accounts are contacted about as often as
their tier asks, and about one in eight drifts out of touch (likelier where orders are falling),
including one of `manager`'s key accounts."""

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import pairwise

from django.db import reset_queries
from django.db.models import Q, Sum
from django.utils import timezone

from accounts.demo.context import ACCOUNT_BATCH, DemoContext
from accounts.demo.loading import insert, update
from accounts.demo.people import DEMO_MANAGERS
from accounts.models import (
    Account,
    AccountTeamMember,
    Category,
    Coverage,
    Stakeholder,
    StakeholderStatus,
    Transaction,
)
from planning.demo import words
from planning.losses.snapshot import build_snapshot
from planning.models import (
    OPEN_STAGES,
    AccountPlan,
    Action,
    ActionStatus,
    Commitment,
    DevelopmentStage,
    LossReason,
    LossRecord,
    Objective,
    Opportunity,
    OpportunityStageChange,
    PlanStatus,
    Visit,
    VisitStatus,
    VisitType,
)
from planning.pipeline.stages import criteria_of

PROBABILITY = {
    DevelopmentStage.TARGET: 10,
    DevelopmentStage.INFORMATION: 20,
    DevelopmentStage.VALUE: 40,
    DevelopmentStage.RELATIONSHIP: 60,
    DevelopmentStage.CLOSING: 80,
    DevelopmentStage.WON: 100,
    DevelopmentStage.LOST: 0,
}
STAGE_WEIGHTS = {
    DevelopmentStage.TARGET: 3,
    DevelopmentStage.INFORMATION: 3,
    DevelopmentStage.VALUE: 3,
    DevelopmentStage.RELATIONSHIP: 2,
    DevelopmentStage.CLOSING: 2,
    DevelopmentStage.WON: 3,
    DevelopmentStage.LOST: 2,
}
COMMITMENT_WEIGHTS = {
    Commitment.DIRECT: 3,
    Commitment.SUMMARY: 3,
    Commitment.PRELIMINARY: 3,
    Commitment.CHOICE: 1,
    Commitment.COMPARISON: 1,
    Commitment.SPECIAL_OFFER: 1,
    Commitment.ASSUMPTIVE: 1,
    Commitment.NONE: 2,
}
KIND_WEIGHTS = {
    VisitType.VISIT: 6,
    VisitType.MEETING: 2,
    VisitType.CALL: 2,
    VisitType.EXECUTIVE_VISIT: 1,
}
ACCOUNT_FIELDS = ("id", "name", "category", "owner_id", "tier__visit_cadence_days", "created_at")
# Every fourth key account of each owner has no plan this year (My week lists them).
WITHOUT_PLAN_EVERY = 4
STALE_DAYS = 90
LOST_ACCOUNTS_OF_MANAGER = 2
# Key accounts that drift out of touch: the last visit was 2.5 to 4 cadences ago. Inattention
# and a customer buying less go together (the commonest way customers leave), so an account whose
# orders are falling is likelier to be the neglected one.
KEY_NEGLECT_SHARE = 0.06
KEY_NEGLECT_SHARE_FALLING = 0.3
# Revenue is falling when the last 90 days brought less than FALLING_SHARE of the 90 before.
FALLING_DAYS = 90
FALLING_SHARE = Decimal("0.6")
# Which of manager's key accounts is neglected: the first whose orders are falling (the way
# customers drift away: fewer orders, and nobody visits to ask why); without one, the one whose
# decision maker opposes us (the second in the order the stories go, see accounts.demo.maps).
NEGLECTED_KEY_OF_MANAGER = 1
# The other owned accounts: half a year of light contact at about their tier's cadence.
CONTACT_DAYS = 183
CONTACT_KINDS = {VisitType.CALL: 11, VisitType.VISIT: 7, VisitType.MEETING: 2}
CONTACT_FIELDS = ("id", "name", "category", "owner_id", "tier__visit_cadence_days", "created_at")
# Share of accounts out of touch: no contact in the half year, or none for several cadences.
NEGLECT_SHARE = {Category.NORMAL: 0.06, Category.TARGET: 0.15, Category.LOST: 0.5}
NEGLECT_SHARE_FALLING = 0.55


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass
class Rows:
    plans: list[AccountPlan] = field(default_factory=list)
    objectives: list[Objective] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)
    # Per visit (same order): their people and ours.
    visit_people: list[tuple[list[int], list[int]]] = field(default_factory=list)
    opportunities: list[Opportunity] = field(default_factory=list)
    changes: list[OpportunityStageChange] = field(default_factory=list)
    # (stakeholder id, user id) → the last reported visit day.
    contacts: dict[tuple[int, int], date] = field(default_factory=dict)


class Builder:
    def __init__(self, context: DemoContext, rng: random.Random):
        self.rng = rng
        self.today = context.today
        self.year = context.today.year
        self.tz = timezone.get_current_timezone()
        self.now = timezone.now()
        self.demo_managers = {
            context.users[name].pk: name for name in DEMO_MANAGERS if name in context.users
        }
        self.keys_by_owner: dict[int, int] = defaultdict(int)
        # Who is neglected draws from its own generator, so the visits keep their own draws.
        self.neglect_rng = context.rng("neglect")
        self.falling: set[int] = set()  # the batch's accounts whose revenue is falling
        self.neglected_of_manager = self._neglected_of_manager(context)

    def at(self, day: date, hour: int | None = None) -> datetime:
        hour = self.rng.randint(9, 16) if hour is None else hour
        return datetime.combine(day, time(hour, self.rng.choice((0, 15, 30, 45))), tzinfo=self.tz)

    @staticmethod
    def text(pair: tuple[str, str], chinese: bool) -> str:
        return pair[1] if chinese else pair[0]

    def lines(self, pairs, chinese: bool, count: int) -> str:
        return "\n".join(self.text(pair, chinese) for pair in self.rng.sample(pairs, count))

    def day_between(self, first: date, last: date) -> date:
        if last <= first:
            return first
        return first + timedelta(days=self.rng.randint(0, (last - first).days))

    # Plans ----------------------------------------------------------------------------------

    def plans(self, account: dict, team: list[int], chinese: bool, rows: Rows) -> None:
        owner = account["owner_id"]
        index = self.keys_by_owner[owner]
        self.keys_by_owner[owner] += 1
        if index % WITHOUT_PLAN_EVERY != WITHOUT_PLAN_EVERY - 1:
            self.plan(account, team, chinese, self.year, PlanStatus.ACTIVE, rows)
        if account["created_at"].year < self.year and self.rng.random() < 0.7:
            self.plan(account, team, chinese, self.year - 1, PlanStatus.CLOSED, rows)

    def plan(self, account, team, chinese, year, status, rows: Rows) -> None:
        rng = self.rng
        start = date(year, 1, 1)
        created = self.at(min(self.today, start + timedelta(days=rng.randint(3, 40))))
        plan = AccountPlan(
            account_id=account["id"],
            year=year,
            owner_id=account["owner_id"],
            status=status,
            summary=self.text(rng.choice(words.SUMMARIES), chinese),
            strengths=self.lines(words.STRENGTHS, chinese, 2),
            weaknesses=self.lines(words.WEAKNESSES, chinese, 2),
            opportunities=self.lines(words.OPPORTUNITIES, chinese, 2),
            threats=self.lines(words.THREATS, chinese, 2),
            created_at=created,
        )
        rows.plans.append(plan)
        for position, template in enumerate(rng.sample(words.OBJECTIVES, rng.randint(2, 4))):
            objective = self.objective(plan, template, chinese, position)
            rows.objectives.append(objective)
            for _ in range(rng.randint(1, 3)):
                rows.actions.append(self.action(objective, team, chinese, start, status))

    def objective(self, plan, template, chinese, position) -> Objective:
        rng = self.rng
        title, metric, unit = template["zh" if chinese else "en"]
        low, high = template["baseline"]
        baseline = rng.randint(low, high)
        change = rng.uniform(*template["change"])
        if template["kind"] == "growth":
            target = max(baseline + 1, round(baseline * (1 + change)))
        elif template["kind"] == "cut":
            target = max(1, round(baseline * (1 - change)))
        else:
            target = baseline + round(change)
        start = date(plan.year, 1, 1)
        due_on = self.day_between(date(plan.year, 3, 1), date(plan.year, 12, 31))
        if plan.status == PlanStatus.CLOSED:
            progress = rng.uniform(0.6, 1.1)
        else:
            elapsed = (min(self.today, due_on) - start).days / max(1, (due_on - start).days)
            # Some ahead, some behind schedule (progress below the time elapsed).
            progress = max(0.0, min(1.05, elapsed * rng.uniform(0.5, 1.3)))
        actual = baseline + (target - baseline) * progress
        return Objective(
            plan=plan,
            title=title,
            metric=metric,
            unit=unit,
            baseline=Decimal(baseline),
            target=Decimal(target),
            actual=Decimal(round(actual)),
            due_on=due_on,
            position=position,
        )

    def action(self, objective, team, chinese, start, plan_status) -> Action:
        rng = self.rng
        due_on = self.day_between(start + timedelta(days=30), objective.due_on)
        done_on = None
        if plan_status == PlanStatus.CLOSED:
            status = ActionStatus.DONE if rng.random() < 0.85 else ActionStatus.CANCELLED
        elif due_on < self.today:
            # Most past actions are done; the rest are overdue.
            status = (
                ActionStatus.DONE
                if rng.random() < 0.7
                else _pick(rng, {"open": 1, "in_progress": 1})
            )
        else:
            status = _pick(rng, {"open": 5, "in_progress": 3, "done": 2})
        if status == ActionStatus.DONE:
            done_on = min(self.today, due_on - timedelta(days=rng.randint(0, 10)))
            done_on = max(done_on, start)
        return Action(
            objective=objective,
            description=self.text(rng.choice(words.ACTIONS), chinese),
            owner_id=rng.choice(team),
            due_on=due_on,
            status=status,
            done_on=done_on,
        )

    # Visits ---------------------------------------------------------------------------------

    def visits(self, account, team, people, covered, last_contact, chinese, rows: Rows) -> None:
        """A visit every 2 to 8 weeks (by the tier's cadence) over the last year, reported; the next
        one planned. The demo managers also get one within two weeks, a past visit or two not
        reported yet, and a next step due this week."""
        rng = self.rng
        owner = account["owner_id"]
        cadence = account["tier__visit_cadence_days"] or 30
        interval = min(56, max(14, cadence))
        first = max(self.today - timedelta(days=365), account["created_at"].date())
        # A stale map (no contact for 90 days) had its last visit when contact stopped.
        end = self.today - timedelta(days=1)
        if last_contact and last_contact < self.today - timedelta(days=STALE_DAYS):
            end = last_contact
        index = self.keys_by_owner[owner] - 1  # plans() counted this account already
        neglected_for = self.key_neglect(account["id"], owner, cadence)
        if neglected_for:
            end = min(end, self.today - timedelta(days=neglected_for))
        days = []
        day = first + timedelta(days=rng.randint(0, interval))
        while day <= end:
            days.append(_weekday(day) if _weekday(day) <= end else day)
            day += timedelta(days=min(56, max(14, round(interval * rng.uniform(0.7, 1.3)))))
        demo = owner in self.demo_managers
        unreported = 1 if demo and index < 2 else 0
        for number, visit_day in enumerate(days):
            reported = number < len(days) - unreported
            due_this_week = demo and index in (0, 2) and number == len(days) - 1 - unreported
            self.visit(
                account, team, people, covered, chinese, visit_day, reported, due_this_week, rows
            )
        upcoming = _weekday(max(day, self.today + timedelta(days=1)))
        if demo:
            upcoming = _weekday(self.today + timedelta(days=rng.randint(1, 11)))
        if upcoming <= self.today + timedelta(days=60):
            self.visit(account, team, people, covered, chinese, upcoming, False, False, rows)

    def _neglected_of_manager(self, context: DemoContext) -> int | None:
        manager = context.users.get("manager")
        if manager is None:
            return None
        keys = list(
            Account.objects.filter(owner=manager, category=Category.KEY)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        falling = falling_revenue(keys, self.today)
        chosen = [pk for pk in keys if pk in falling] or keys[NEGLECTED_KEY_OF_MANAGER:]
        return chosen[0] if chosen else None

    def key_neglect(self, account_id: int, owner: int, cadence: int) -> int | None:
        """Days since a neglected key account's last visit, or None when it is looked after."""
        rng = self.neglect_rng
        name = self.demo_managers.get(owner)
        if name is None:
            falling = account_id in self.falling
            chosen = rng.random() < (KEY_NEGLECT_SHARE_FALLING if falling else KEY_NEGLECT_SHARE)
        else:
            # The demo managers' accounts tell their stories; manager's add one neglected one.
            chosen = account_id == self.neglected_of_manager
        if not chosen:
            return None
        return min(180, max(45, round(cadence * rng.uniform(2.5, 4))))

    def visit(self, account, team, people, covered, chinese, day, reported, due_this_week, rows):
        rng = self.rng
        owner = account["owner_id"]
        ours = [owner]
        others = [user for user in team if user != owner]
        if others and rng.random() < 0.4:
            ours.append(rng.choice(others))
        pool = covered or people
        theirs = rng.sample(pool, min(len(pool), rng.randint(1, 3)))
        starts_at = self.at(day)
        created = self.at(
            max(account["created_at"].date(), day - timedelta(days=rng.randint(3, 10)))
        )
        visit = Visit(
            account_id=account["id"],
            kind=_pick(rng, KIND_WEIGHTS),
            starts_at=starts_at,
            status=VisitStatus.PLANNED,
            objective=self.text(rng.choice(words.VISIT_OBJECTIVES), chinese),
            situation_questions=self.text(rng.choice(words.SITUATION), chinese),
            problem_questions=self.text(rng.choice(words.PROBLEM), chinese),
            implication_questions=self.text(rng.choice(words.IMPLICATION), chinese),
            need_payoff_questions=self.text(rng.choice(words.NEED_PAYOFF), chinese),
            expected_objections=self.text(rng.choice(words.OBJECTIONS), chinese),
            created_by_id=owner,
            created_at=min(created, self.now),
        )
        if reported:
            self.report(visit, day, chinese, due_this_week)
            for person in theirs:
                for user in ours:
                    pair = (person, user)
                    rows.contacts[pair] = max(day, rows.contacts.get(pair, day))
        rows.visits.append(visit)
        rows.visit_people.append((theirs, ours))

    def report(self, visit: Visit, day: date, chinese: bool, due_this_week: bool) -> None:
        rng = self.rng
        visit.status = VisitStatus.REPORTED
        visit.reported_at = min(self.now, visit.starts_at + timedelta(hours=rng.randint(2, 30)))
        visit.outcome = self.text(rng.choice(words.OUTCOMES), chinese)
        visit.buying_signals = self.text(rng.choice(words.BUYING_SIGNALS), chinese)
        visit.commitment = _pick(rng, COMMITMENT_WEIGHTS)
        visit.helped_them = rng.random() < 0.85
        visit.helped_us = rng.random() < 0.75
        visit.helped_relationship = rng.random() < 0.8
        if rng.random() < 0.1 and not due_this_week:
            return  # nothing to follow up
        visit.next_step = self.text(rng.choice(words.NEXT_STEPS), chinese)
        visit.next_step_on = day + timedelta(days=rng.randint(5, 21))
        if due_this_week:
            visit.next_step_on = self.today + timedelta(
                days=rng.randint(0, 6 - self.today.weekday())
            )
        # Next steps more than six weeks old are done; of the recent past ones, most are done and
        # a few still wait (My week shows them as overdue).
        overdue_by = (self.today - visit.next_step_on).days
        visit.next_step_done = not due_this_week and (
            overdue_by > 42 or (overdue_by > 3 and rng.random() < 0.7)
        )

    # Opportunities --------------------------------------------------------------------------

    def opportunities(self, account, team, chinese, rows: Rows) -> None:
        rng = self.rng
        count = rng.randint(1, 4) if account["category"] == Category.KEY else rng.randint(0, 2)
        for name in rng.sample(words.OPPORTUNITY_NAMES, count):
            self.opportunity(account, team, self.text(name, chinese), chinese, rows)

    def opportunity(self, account, team, name, chinese, rows: Rows) -> None:
        rng = self.rng
        stage = _pick(rng, STAGE_WEIGHTS)
        opened_on = max(
            account["created_at"].date(), self.today - timedelta(days=rng.randint(30, 360))
        )
        value = min(50_000_000, max(20_000, round(math.exp(rng.gauss(13, 0.9)), -3)))
        closed_on = None
        lost_reason = ""
        if stage in (DevelopmentStage.WON, DevelopmentStage.LOST):
            closed_on = self.day_between(opened_on + timedelta(days=14), self.today)
            path = list(OPEN_STAGES)
            if stage == DevelopmentStage.LOST:
                path = path[: rng.randint(1, len(OPEN_STAGES))]
                lost_reason = self.text(rng.choice(words.LOST_REASONS), chinese)
            path.append(stage)
            expected_close = closed_on
            criteria_met = []
        else:
            path = list(OPEN_STAGES[: OPEN_STAGES.index(stage) + 1])
            expected_close = self.today + timedelta(days=rng.randint(-20, 240))
            codes = [criterion.code for criterion in criteria_of(stage)]
            criteria_met = sorted(rng.sample(codes, rng.randint(0, len(codes) - 1)))
        owner = account["owner_id"] if rng.random() < 0.8 else rng.choice(team)
        opportunity = Opportunity(
            account_id=account["id"],
            name=name,
            owner_id=owner,
            stage=stage,
            value=Decimal(value),
            probability=PROBABILITY[stage],
            expected_close=expected_close,
            criteria_met=criteria_met,
            lost_reason=lost_reason,
            closed_on=closed_on,
            created_at=self.at(opened_on),
        )
        rows.opportunities.append(opportunity)
        last = closed_on or self.today
        span = max(1, (last - opened_on).days)
        moves = list(pairwise(path))
        for number, (from_stage, to_stage) in enumerate(moves, start=1):
            on = opened_on + timedelta(days=span * number // len(moves))
            skipped, reason = [], ""
            if to_stage == DevelopmentStage.LOST:
                reason = lost_reason
            elif rng.random() < 0.2:
                codes = [criterion.code for criterion in criteria_of(from_stage)]
                skipped = sorted(rng.sample(codes, 1))
                reason = self.text(rng.choice(words.SKIP_REASONS), chinese)
            rows.changes.append(
                OpportunityStageChange(
                    opportunity=opportunity,
                    from_stage=from_stage,
                    to_stage=to_stage,
                    criteria_skipped=skipped,
                    reason=reason,
                    changed_by_id=owner,
                    changed_at=min(self.now, self.at(on)),
                )
            )


def _weekday(day: date) -> date:
    """The day itself, or the Monday after a weekend."""
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def create_planning(context: DemoContext) -> dict[str, int]:
    """Plans, visits and opportunities for key (and target) accounts, then loss records. Needs
    the accounts and relationships steps."""
    builder = Builder(context, context.rng("planning"))
    counts = dict.fromkeys(
        ("plans", "objectives", "actions", "visits", "opportunities", "stage changes"), 0
    )
    total = Account.objects.filter(category__in=(Category.KEY, Category.TARGET)).count()
    done, last_id = 0, 0
    while True:
        accounts = list(
            Account.objects.filter(
                pk__gt=last_id,
                category__in=(Category.KEY, Category.TARGET),
                owner__isnull=False,
            )
            .order_by("pk")
            .values(*ACCOUNT_FIELDS)[:ACCOUNT_BATCH]
        )
        if not accounts:
            break
        last_id = accounts[-1]["id"]
        _build_batch(builder, accounts, counts)
        done += len(accounts)
        context.progress(f"{done:,} of {total:,} accounts' plans, visits and pipeline")
        reset_queries()
    counts["check-in contacts"] = create_contacts(context)
    counts["loss records"] = create_loss_records(builder, context)
    return counts


def falling_revenue(ids: list[int], today: date) -> set[int]:
    """The accounts among `ids` whose last FALLING_DAYS days brought less than FALLING_SHARE of
    the FALLING_DAYS before."""
    recent = Q(date__gt=today - timedelta(days=FALLING_DAYS))
    rows = (
        Transaction.objects.filter(
            account_id__in=ids,
            date__gt=today - timedelta(days=2 * FALLING_DAYS),
            date__lte=today,
        )
        .values("account_id")
        .annotate(recent=Sum("amount", filter=recent), before=Sum("amount", filter=~recent))
        .order_by()
    )
    return {
        row["account_id"]
        for row in rows
        if row["before"] and (row["recent"] or 0) < FALLING_SHARE * row["before"]
    }


def _build_batch(builder: Builder, accounts: list[dict], counts: dict) -> None:
    ids = [account["id"] for account in accounts]
    builder.falling = falling_revenue(ids, builder.today)
    key_ids = [account["id"] for account in accounts if account["category"] == Category.KEY]
    teams = {account["id"]: [account["owner_id"]] for account in accounts}
    members = AccountTeamMember.objects.filter(account_id__in=ids).order_by("pk")
    for account_id, user_id in members.values_list("account_id", "user_id"):
        if user_id not in teams[account_id]:
            teams[account_id].append(user_id)
    people = defaultdict(list)
    active = Stakeholder.objects.filter(account_id__in=key_ids, status=StakeholderStatus.ACTIVE)
    for person_id, account_id in active.order_by("pk").values_list("id", "account_id"):
        people[account_id].append(person_id)
    covered = defaultdict(list)
    last_contact: dict[int, date] = {}
    coverage = {}
    rows_of_coverage = Coverage.objects.filter(stakeholder__account_id__in=key_ids).order_by("pk")
    for row in rows_of_coverage.values(
        "id", "stakeholder_id", "user_id", "last_contact", "stakeholder__account_id"
    ):
        account_id = row["stakeholder__account_id"]
        coverage[(row["stakeholder_id"], row["user_id"])] = row
        if row["last_contact"]:
            last_contact[account_id] = max(
                row["last_contact"], last_contact.get(account_id, date.min)
            )
        if (
            row["stakeholder_id"] in people[account_id]
            and row["stakeholder_id"] not in covered[account_id]
        ):
            covered[account_id].append(row["stakeholder_id"])

    rows = Rows()
    for account in accounts:
        chinese = not account["name"].isascii()
        team = teams[account["id"]]
        if account["category"] == Category.KEY:
            builder.plans(account, team, chinese, rows)
            builder.visits(
                account,
                team,
                people[account["id"]],
                covered[account["id"]],
                last_contact.get(account["id"]),
                chinese,
                rows,
            )
        builder.opportunities(account, team, chinese, rows)
    _insert(rows, coverage, counts)


def _insert(rows: Rows, coverage: dict, counts: dict) -> None:
    insert(AccountPlan, rows.plans)
    insert(Objective, rows.objectives)
    insert(Action, rows.actions)
    insert(Visit, rows.visits)
    attendees, our_attendees = [], []
    for visit, (theirs, ours) in zip(rows.visits, rows.visit_people, strict=True):
        attendees += [
            Visit.attendees.through(visit_id=visit.pk, stakeholder_id=person) for person in theirs
        ]
        our_attendees += [
            Visit.our_attendees.through(visit_id=visit.pk, user_id=user) for user in ours
        ]
    insert(Visit.attendees.through, attendees)
    insert(Visit.our_attendees.through, our_attendees)
    insert(Opportunity, rows.opportunities)
    insert(OpportunityStageChange, rows.changes)
    # Reporting a visit brings each pair's last contact forward (never back), as
    # planning.visits.services.coverage_update_from_visit does. Only pairs the map already has: new
    # coverage rows would change the stakeholder maps' stories.
    moved = []
    for pair, day in rows.contacts.items():
        row = coverage.get(pair)
        if row and (row["last_contact"] is None or row["last_contact"] < day):
            moved.append((row["id"], day))
    update(Coverage, ["last_contact"], moved, bump="row_version")
    counts["plans"] += len(rows.plans)
    counts["objectives"] += len(rows.objectives)
    counts["actions"] += len(rows.actions)
    counts["visits"] += len(rows.visits)
    counts["opportunities"] += len(rows.opportunities)
    counts["stage changes"] += len(rows.changes)


# Check-in contacts of the other accounts ---------------------------------------------------


class ContactBuilder:
    """Half a year of light contact (calls, short visits) by the owner of each owned account that
    is not a key account, at about its tier's cadence; lost accounts get the odd win-back call.
    A share of accounts is out of touch (NEGLECT_SHARE): nobody called in the half year, or the
    calls stopped several cadences ago."""

    def __init__(self, context: DemoContext):
        self.rng = context.rng("contacts")
        self.today = context.today
        self.tz = timezone.get_current_timezone()
        self.now = timezone.now()

    def days(self, account: dict, falling: bool) -> list[date]:
        rng = self.rng
        cadence = account["tier__visit_cadence_days"] or 30
        lost = account["category"] == Category.LOST
        first = max(
            self.today - timedelta(days=CONTACT_DAYS),
            account["created_at"].date() + timedelta(days=1),
        )
        end = self.today - timedelta(days=1)
        share = NEGLECT_SHARE.get(account["category"], 0)
        if falling and account["category"] != Category.LOST:
            share = NEGLECT_SHARE_FALLING
        if rng.random() < share:
            if rng.random() < 0.5:
                return []
            end -= timedelta(days=min(CONTACT_DAYS, round(cadence * rng.uniform(2.5, 5))))
        # A lost customer is called less often than the tier asks: it is a win-back, not service.
        step = cadence * (1.6 if lost else 1.0)
        days = []
        day = first + timedelta(days=rng.randint(0, round(0.8 * step)))
        while day <= end:
            days.append(_weekday(day) if _weekday(day) <= end else day)
            day += timedelta(days=max(12, round(step * rng.uniform(0.55, 1.0))))
        return days

    def contact(self, account: dict, day: date, people: list[int], rows: Rows) -> None:
        rng = self.rng
        owner = account["owner_id"]
        chinese = not account["name"].isascii()
        lost = account["category"] == Category.LOST
        starts_at = datetime.combine(
            day, time(rng.randint(9, 17), rng.choice((0, 15, 30, 45))), tzinfo=self.tz
        )
        objectives = words.WIN_BACK_OBJECTIVES if lost else words.CONTACT_OBJECTIVES
        outcomes = words.WIN_BACK_OUTCOMES if lost else words.CONTACT_OUTCOMES
        created = max(account["created_at"], starts_at - timedelta(days=rng.randint(1, 5)))
        visit = Visit(
            account_id=account["id"],
            kind=_pick(rng, CONTACT_KINDS),
            starts_at=starts_at,
            status=VisitStatus.REPORTED,
            objective=Builder.text(rng.choice(objectives), chinese),
            outcome=Builder.text(rng.choice(outcomes), chinese),
            commitment=Commitment.NONE if rng.random() < 0.7 else Commitment.PRELIMINARY,
            helped_them=rng.random() < 0.7,
            helped_us=rng.random() < 0.6,
            helped_relationship=rng.random() < 0.8,
            reported_at=min(self.now, starts_at + timedelta(hours=rng.randint(1, 6))),
            created_by_id=owner,
            created_at=min(created, self.now),
        )
        theirs = [rng.choice(people)] if people else []
        for person in theirs:
            pair = (person, owner)
            rows.contacts[pair] = max(day, rows.contacts.get(pair, day))
        rows.visits.append(visit)
        rows.visit_people.append((theirs, [owner]))


def create_contacts(context: DemoContext) -> int:
    """The check-in contacts of every owned account that is not a key account (key accounts have
    their year of planned visits). Bulk inserts, a batch of accounts at a time."""
    builder = ContactBuilder(context)
    owned = Account.objects.exclude(category=Category.KEY).filter(owner__isnull=False)
    made, last_id = 0, 0
    while True:
        accounts = list(
            owned.filter(pk__gt=last_id).order_by("pk").values(*CONTACT_FIELDS)[:ACCOUNT_BATCH]
        )
        if not accounts:
            break
        last_id = accounts[-1]["id"]
        ids = [account["id"] for account in accounts]
        people = defaultdict(list)
        active = Stakeholder.objects.filter(account_id__in=ids, status=StakeholderStatus.ACTIVE)
        for person_id, account_id in active.order_by("pk").values_list("id", "account_id"):
            people[account_id].append(person_id)
        falling = falling_revenue(ids, builder.today)
        rows = Rows()
        for account in accounts:
            for day in builder.days(account, account["id"] in falling):
                builder.contact(account, day, people[account["id"]], rows)
        coverage = {
            (row["stakeholder_id"], row["user_id"]): row
            for row in Coverage.objects.filter(stakeholder__account_id__in=ids).values(
                "id", "stakeholder_id", "user_id", "last_contact"
            )
        }
        counts = dict.fromkeys(
            ("plans", "objectives", "actions", "visits", "opportunities", "stage changes"), 0
        )
        _insert(rows, coverage, counts)
        made += counts["visits"]
        context.progress(f"check-in contacts up to account {last_id:,}")
        reset_queries()
    return made


def create_loss_records(builder: Builder, context: DemoContext) -> int:
    """Two of `manager`'s lost accounts (the accounts demo gives them two when the portfolio has
    enough lost accounts) get a loss record with a snapshot of the account."""
    manager = context.users.get("manager")
    if manager is None:
        return 0
    mine = Account.objects.filter(owner=manager, category=Category.LOST)
    lost = list(mine.order_by("external_id")[:LOST_ACCOUNTS_OF_MANAGER])
    rng = builder.rng
    reasons = (LossReason.COMPETITOR, LossReason.UNRESOLVED_COMPLAINT)
    records = []
    for number, account in enumerate(lost):
        chinese = not account.name.isascii()
        recorded_on = builder.today - timedelta(days=rng.randint(20, 200))
        records.append(
            LossRecord(
                account=account,
                reason=reasons[number % len(reasons)],
                notes=builder.text(words.LOSS_NOTES[number % 2], chinese),
                win_back_plan=builder.text(words.WIN_BACK[number % 2], chinese),
                review_on=builder.today + timedelta(days=rng.randint(14, 90)),
                snapshot=build_snapshot(account, today=builder.today),
                recorded_by=manager,
                recorded_at=builder.at(recorded_on),
            )
        )
    LossRecord.objects.bulk_create(records)
    return len(records)
