"""Account health in the demo: satisfaction surveys, a back-filled history of daily snapshots and
today's recalculation, so every account has its churn risk and the trend lines have a past.

Surveys: key accounts have 2 to 5 completed surveys over the last two years, each answered by a
different active stakeholder; some normal and target accounts have one or two. How a customer
answers follows what the records say about it: an open complaint past its due date, an uncoupling
relationship or a decision maker who opposes us pull performance down, a partnership lifts it;
some of those at-risk accounts are getting worse survey by survey. `manager`'s two riskiest key
accounts (read from the records before any survey exists) tell that story plainly, and manager has
two survey links waiting for an answer and one that expired.

Snapshots: the health of every account as it stood on past days (weekly for twelve weeks, daily for
the last two), computed by the same code as a run from the records dated up to that day
(scoring.health.inputs reads "as of"), so the trends are honest. Only HealthSnapshot rows: no
alerts, no AccountHealth. For a large portfolio only the key accounts and the demo logins'
accounts get the history. Then one run (trigger "command") scores every account for today, writes
today's snapshot and notifies the owners of the accounts that are at high risk.

The same seed gives the same data (on the same day). Bulk inserts, a batch of accounts at a time.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db import reset_queries
from django.db.models import Max, Q
from django.utils import timezone

from accounts.demo.context import ACCOUNT_BATCH, DemoContext
from accounts.demo.loading import insert
from accounts.demo.people import DEMO_LOGINS
from accounts.models import (
    Account,
    AccountTeamMember,
    Attitude,
    BuyingRole,
    Category,
    Complaint,
    ComplaintStatus,
    RelationshipStage,
    Stakeholder,
    StakeholderStatus,
)
from planning.demo.build import falling_revenue
from planning.models import Visit, VisitStatus
from scoring import defaults, engine
from scoring.demo import words
from scoring.health.inputs import read_batch
from scoring.health.recalculation import account_health_compute
from scoring.health.risk_model import current_risk_model
from scoring.health.runs import BATCH_SIZE, health_recalculate_all
from scoring.models import (
    HealthSnapshot,
    RiskFactor,
    RiskPolicy,
    RunStatus,
    RunTrigger,
    Survey,
    SurveyAnswer,
    SurveyChannel,
    SurveyIndicator,
    SurveyStatus,
)

ACCOUNT_FIELDS = (
    "id",
    "name",
    "category",
    "owner_id",
    "relationship_stage",
    "created_at",
    "tier__visit_cadence_days",
)
SURVEY_DAYS = 730  # two satisfaction windows: the current level and the trend against it
KEY_SURVEYS = (2, 5)
# Normal and target accounts with a survey or two (targets: a pilot customer's view). Lost
# accounts have none: nobody surveys a customer that has gone.
SURVEY_CHANCE = {Category.NORMAL: 0.3, Category.TARGET: 0.1}
# When a normal account's orders start slipping, the team is likelier to ask it why, recently.
FALLING_SURVEY_CHANCE = 0.6
FALLING_SURVEY_DAYS_BACK = (20, 300)
LINK_CHANCE = 0.3  # completed surveys answered through a private link rather than recorded
COMMENT_CHANCE = 0.75
BLANK_CHANCE = 0.25  # a survey with one or two indicators left unanswered

# How much each shipped indicator matters to a customer (importance drawn from the range):
# getting the goods on time, right, and problems fixed matter most; reputation and range least.
IMPORTANCE = {
    "delivery": (4, 5),
    "quality": (4, 5),
    "problem_resolution": (4, 5),
    "reliability": (3, 5),
    "value_for_price": (3, 5),
    "complaint_handling": (3, 5),
    "communication": (3, 4),
    "ease_of_access": (2, 4),
    "features": (2, 4),
    "courtesy": (2, 4),
    "range": (1, 3),
    "reputation": (1, 3),
}
DEFAULT_IMPORTANCE = (2, 4)  # an indicator an admin added
# Where we do better or worse than our average (price and complaint handling are the usual
# weak spots; our people's courtesy and the brand the strong ones).
PERFORMANCE_BIAS = {
    "value_for_price": -0.4,
    "complaint_handling": -0.3,
    "problem_resolution": -0.2,
    "ease_of_access": -0.1,
    "range": -0.1,
    "delivery": 0.1,
    "reliability": 0.1,
    "quality": 0.2,
    "reputation": 0.3,
    "courtesy": 0.4,
}
# The mood of an account's respondents: average performance on 1–5 before the indicator's bias.
BASE_MOOD = 3.75
STAGE_MOOD = {
    RelationshipStage.MID: 0.1,
    RelationshipStage.PARTNERSHIP: 0.35,
    RelationshipStage.SYNERGISTIC: 0.5,
    RelationshipStage.UNCOUPLING: -0.8,
}
PAST_DUE_MOOD = -0.6
OPPOSED_MOOD = -0.45
FALLING_MOOD = -0.3  # orders falling (planning.demo.build.falling_revenue)
# Nobody from our side for more than two cadences: the recent answers show it.
NEGLECTED_MOOD = -0.6
NEGLECT_CADENCES = 2
NEGLECT_SHOWS_DAYS = 200
# However the records look, an unhappy customer's index lands around 30, not near 0 (courtesy
# and the brand still score), and a happy one's below 95.
MOOD_FLOOR, MOOD_CEILING = 2.3, 4.6
TREND_CHANCE = 0.5  # at-risk accounts whose surveys get worse over time
# manager's riskiest key accounts: satisfied two years ago, unhappy now.
DEMO_DECLINING = 2
DEMO_DECLINE_MOOD = -0.5
DEMO_DROP = 2.4

PENDING_LINKS = 2
LINK_DAYS = 14  # how long a private link is open
PENDING_EXPIRES_IN = 10
EXPIRED_DAYS_AGO = 6

BACKFILL_WEEKS = 12
BACKFILL_DAILY = 14
# Above this many accounts only the key accounts and the demo logins' accounts get a history.
FULL_BACKFILL_UP_TO = 2000


def create_health(context: DemoContext) -> dict[str, int]:
    """Surveys, the snapshots of past days, and today's recalculation. Needs every other step:
    the risk reads visits, trading, complaints, coverage, stakeholders and stage changes."""
    indicators = shipped_indicators()
    ensure_risk_model()
    builder = SurveyBuilder(context, indicators)
    builder.pick_declining()
    counts = builder.create_all()
    counts["survey links"] = builder.create_links()
    backfilled = backfill_snapshots(context)
    run = health_recalculate_all(trigger=RunTrigger.COMMAND, as_of=context.today)
    if run.status == RunStatus.FAILED:
        raise RuntimeError(f"The demo's health recalculation failed: {run.error_text}")
    # A run skipped because another holds the lock leaves the demo without today's health
    # rather than undo the whole seed; "0 accounts scored" says so, and the next run fills it.
    counts["health snapshots"] = backfilled + HealthSnapshot.objects.filter(day=run.as_of).count()
    counts["accounts scored"] = run.accounts
    counts["high-risk alerts"] = run.alerts
    return counts


# --- Configuration (shipped by migration 0004; a flushed test database has none) ------------


def shipped_indicators() -> list[SurveyIndicator]:
    """The active indicators; the shipped ones, created as migration 0004 does, when there are
    none at all."""
    if not SurveyIndicator.objects.exists():
        SurveyIndicator.objects.bulk_create(
            SurveyIndicator(**row) for row in defaults.survey_indicator_rows()
        )
    return list(SurveyIndicator.objects.filter(is_active=True).order_by("position", "pk"))


def ensure_risk_model() -> None:
    RiskPolicy.objects.get_or_create(pk=1)
    if RiskFactor.objects.exists():
        return
    RiskFactor.objects.bulk_create(RiskFactor(**row) for row in defaults.risk_factor_rows())


# --- Surveys ------------------------------------------------------------------------------


class SurveyBuilder:
    def __init__(self, context: DemoContext, indicators: list[SurveyIndicator]):
        self.context = context
        self.rng = context.rng("health")
        self.today = context.today
        self.tz = timezone.get_current_timezone()
        self.now = timezone.now()
        self.indicators = indicators
        self.manager = context.users.get("manager")
        self.declining: set[int] = set()

    def at(self, day: date) -> datetime:
        return datetime.combine(
            day, time(self.rng.randint(9, 17), self.rng.choice((0, 15, 30, 45))), self.tz
        )

    def pick_declining(self) -> None:
        """manager's key accounts that the records already say are at risk (the highest churn
        risk before any survey): their customers were satisfied two years ago and are not now."""
        if self.manager is None:
            return
        model = current_risk_model()
        mine = Account.objects.filter(owner=self.manager, category=Category.KEY)
        scored = []
        for pk in mine.order_by("external_id").values_list("pk", flat=True):
            for facts in read_batch(pk, pk, as_of=self.today, windows=model.windows):
                score = account_health_compute(facts, model, None, self.today).values["risk_score"]
                scored.append((-score, facts.account_id))
        self.declining = {account_id for _, account_id in sorted(scored)[:DEMO_DECLINING]}

    def create_all(self) -> dict[str, int]:
        counts = {"surveys": 0, "survey answers": 0}
        surveyed = Account.objects.filter(
            category__in=(Category.KEY, Category.NORMAL, Category.TARGET)
        )
        last_id = 0
        while True:
            accounts = list(
                surveyed.filter(pk__gt=last_id)
                .order_by("pk")
                .values(*ACCOUNT_FIELDS)[:ACCOUNT_BATCH]
            )
            if not accounts:
                break
            last_id = accounts[-1]["id"]
            self.build_batch(accounts, counts)
            self.context.progress(f"surveys up to account {last_id:,}")
            reset_queries()
        return counts

    def build_batch(self, accounts: list[dict], counts: dict) -> None:
        ids = [account["id"] for account in accounts]
        people = defaultdict(list)
        opposed = set()
        for person_id, account_id, name, role, attitude in (
            Stakeholder.objects.filter(account_id__in=ids, status=StakeholderStatus.ACTIVE)
            .order_by("pk")
            .values_list("id", "account_id", "name", "buying_role", "attitude")
        ):
            people[account_id].append((person_id, name))
            if role == BuyingRole.DECISION_MAKER and attitude == Attitude.OPPONENT:
                opposed.add(account_id)
        past_due = set(
            Complaint.objects.filter(account_id__in=ids, due_on__lt=self.today)
            .exclude(status=ComplaintStatus.RESOLVED)
            .values_list("account_id", flat=True)
            .distinct()
        )
        falling = falling_revenue(ids, self.today)
        last_visits = dict(
            Visit.objects.filter(account_id__in=ids, status=VisitStatus.REPORTED)
            .values("account_id")
            .annotate(last=Max("starts_at"))
            .order_by()
            .values_list("account_id", "last")
        )
        surveys, answers = [], []
        for account in accounts:
            account_id = account["id"]
            mood = BASE_MOOD + STAGE_MOOD.get(account["relationship_stage"], 0.0)
            mood += PAST_DUE_MOOD if account_id in past_due else 0.0
            mood += OPPOSED_MOOD if account_id in opposed else 0.0
            mood += FALLING_MOOD if account_id in falling else 0.0
            state = set()
            if mood < BASE_MOOD - 0.25:
                state.add("at_risk")
            if account_id in falling:
                state.add("falling")
            last = last_visits.get(account_id)
            cadence = account["tier__visit_cadence_days"] or 30
            if last is None or (
                (self.today - timezone.localtime(last).date()).days > NEGLECT_CADENCES * cadence
            ):
                state.add("neglected")
            for survey, pairs in self.account_surveys(account, people[account_id], mood, state):
                surveys.append(survey)
                answers.append(pairs)
        insert(Survey, surveys)
        rows = [
            SurveyAnswer(
                survey_id=survey.pk,
                indicator_id=indicator_id,
                importance=importance,
                performance=performance,
            )
            for survey, pairs in zip(surveys, answers, strict=True)
            for indicator_id, importance, performance in pairs
        ]
        insert(SurveyAnswer, rows)
        counts["surveys"] += len(surveys)
        counts["survey answers"] += len(rows)

    def survey_days_back(self, account: dict, people: int, falling: bool) -> list[int]:
        """How many days ago each survey was answered, oldest first (one respondent each)."""
        rng = self.rng
        age = (self.today - account["created_at"].date()).days
        span = min(SURVEY_DAYS, age) - 3
        if span < 30 or not people:
            return []
        if account["category"] == Category.KEY:
            count = rng.randint(*KEY_SURVEYS)
            if account["id"] in self.declining:
                count = max(3, count)
        elif account["category"] not in SURVEY_CHANCE:
            return []
        elif falling:
            if rng.random() >= FALLING_SURVEY_CHANCE:
                return []
            return [min(span, rng.randint(*FALLING_SURVEY_DAYS_BACK))]
        elif rng.random() < SURVEY_CHANCE.get(account["category"], 0):
            count = 1 if rng.random() < 0.7 else 2
        else:
            return []
        count = min(count, people)
        # One survey in each slice of the span, so the two satisfaction windows both have some.
        slot = span / count
        back = [3 + round((number + rng.uniform(0.1, 0.9)) * slot) for number in range(count)]
        return sorted(back, reverse=True)

    def account_surveys(self, account, people: list, mood: float, state: set[str]):
        """The account's surveys with their answers; `state` holds what the records say:
        "at_risk", "neglected", "falling"."""
        rng = self.rng
        days_back = self.survey_days_back(account, len(people), "falling" in state)
        if not days_back:
            return
        mood += rng.gauss(0, 0.25)
        drop = 0.0
        if account["id"] in self.declining:
            mood += DEMO_DECLINE_MOOD
            drop = DEMO_DROP
        elif "at_risk" in state and rng.random() < TREND_CHANCE:
            drop = rng.uniform(1.0, 1.6)
        respondents = rng.sample(people, len(days_back))
        chinese = not account["name"].isascii()
        for back, (person_id, name) in zip(days_back, respondents, strict=True):
            # Older surveys sit above the account's mood, recent ones below, by `drop` in all.
            shift = drop * (back / SURVEY_DAYS - 0.5)
            if "neglected" in state and back < NEGLECT_SHOWS_DAYS:
                shift += NEGLECTED_MOOD
            pairs = self.answers(min(MOOD_CEILING, max(MOOD_FLOOR, mood + shift)))
            index = engine.satisfaction_index((i, p) for _, i, p in pairs)
            answered_on = self.today - timedelta(days=back)
            yield self.survey(account, person_id, name, answered_on, index, chinese), pairs

    def answers(self, mood: float) -> list[tuple[int, int, int]]:
        rng = self.rng
        blank = set()
        if rng.random() < BLANK_CHANCE:
            blank = {i.pk for i in rng.sample(self.indicators, rng.randint(1, 2))}
        pairs = []
        for indicator in self.indicators:
            if indicator.pk in blank:
                continue
            importance = rng.randint(*IMPORTANCE.get(indicator.code, DEFAULT_IMPORTANCE))
            drawn = rng.gauss(mood + PERFORMANCE_BIAS.get(indicator.code, 0.0), 0.6)
            performance = min(engine.SURVEY_MAX, max(engine.SURVEY_MIN, round(drawn)))
            pairs.append((indicator.pk, importance, performance))
        return pairs

    def survey(self, account, person_id, name, answered_on, index, chinese) -> Survey:
        rng = self.rng
        link = rng.random() < LINK_CHANCE
        answered_at = min(self.now, self.at(answered_on))
        sent_at = answered_at - timedelta(days=rng.randint(1, 6)) if link else answered_at
        comments = ""
        if rng.random() < COMMENT_CHANCE:
            mood = "good" if index >= 70 else "mixed" if index >= 45 else "poor"
            comments = rng.choice(words.SURVEY_COMMENTS[mood])[1 if chinese else 0]
        return Survey(
            account_id=account["id"],
            respondent_id=person_id,
            respondent_name=name,
            channel=SurveyChannel.LINK if link else SurveyChannel.RECORDED,
            status=SurveyStatus.COMPLETED,
            language="zh-hans" if chinese else "en",
            answered_on=answered_on,
            comments=comments,
            satisfaction_index=index,
            created_by_id=account["owner_id"],
            created_at=max(account["created_at"], sent_at),
            link_expires_at=sent_at + timedelta(days=LINK_DAYS) if link else None,
            completed_at=answered_at,
        )

    def create_links(self) -> int:
        """manager's links waiting for an answer (open for another PENDING_EXPIRES_IN days) and
        one that expired unanswered, each to a stakeholder of one of manager's key accounts."""
        if self.manager is None:
            return 0
        wanted = PENDING_LINKS + 1
        mine = Account.objects.filter(owner=self.manager).order_by("external_id")
        fields = ("id", "name", "owner_id")
        # Key accounts first: that is where manager surveys.
        accounts = list(mine.filter(category=Category.KEY).values(*fields)[:wanted])
        if len(accounts) < wanted:
            others = mine.exclude(category=Category.KEY).values(*fields)
            accounts += list(others[: wanted - len(accounts)])
        people = defaultdict(list)
        for person_id, account_id, name in (
            Stakeholder.objects.filter(
                account_id__in=[a["id"] for a in accounts], status=StakeholderStatus.ACTIVE
            )
            .order_by("-influence", "pk")
            .values_list("id", "account_id", "name")
        ):
            people[account_id].append((person_id, name))
        links = []
        for number, account in enumerate(accounts):
            if not people[account["id"]]:
                continue
            person_id, name = people[account["id"]][0]
            pending = number < PENDING_LINKS
            expires = self.now + timedelta(
                days=PENDING_EXPIRES_IN if pending else -EXPIRED_DAYS_AGO
            )
            links.append(
                Survey(
                    account_id=account["id"],
                    respondent_id=person_id,
                    respondent_name=name,
                    channel=SurveyChannel.LINK,
                    status=SurveyStatus.SENT,
                    language="en" if account["name"].isascii() else "zh-hans",
                    created_by=self.manager,
                    created_at=expires - timedelta(days=LINK_DAYS),
                    link_expires_at=expires,
                )
            )
        Survey.objects.bulk_create(links)
        return len(links)


# --- Snapshots of past days ---------------------------------------------------------------


def backfill_days(today: date) -> list[date]:
    """Weekly for BACKFILL_WEEKS weeks and daily for the last BACKFILL_DAILY days, oldest first;
    not today (today's run writes it)."""
    weekly = {today - timedelta(weeks=week) for week in range(1, BACKFILL_WEEKS + 1)}
    daily = {today - timedelta(days=day) for day in range(1, BACKFILL_DAILY)}
    return sorted(weekly | daily)


def backfill_accounts(context: DemoContext) -> set[int] | None:
    """The accounts that get a history; None for all of them (a portfolio of demo size)."""
    if context.account_count <= FULL_BACKFILL_UP_TO:
        return None
    logins = [context.users[p.username].pk for p in DEMO_LOGINS if p.username in context.users]
    chosen = set(
        Account.objects.filter(Q(category=Category.KEY) | Q(owner_id__in=logins)).values_list(
            "pk", flat=True
        )
    )
    chosen.update(
        AccountTeamMember.objects.filter(user_id__in=logins).values_list("account_id", flat=True)
    )
    return chosen


def backfill_snapshots(context: DemoContext) -> int:
    """Bulk-insert the HealthSnapshot rows of past days, computed as a run on that day would have
    computed them. Returns how many."""
    model = current_risk_model()
    chosen = backfill_accounts(context)
    days = backfill_days(context.today)
    first = Account.objects.order_by("pk").values_list("pk", flat=True).first()
    last = Account.objects.order_by("-pk").values_list("pk", flat=True).first()
    if first is None:
        return 0
    made = 0
    for lo in range(first, last + 1, BATCH_SIZE):
        hi = min(lo + BATCH_SIZE - 1, last)
        if chosen is not None and not chosen.intersection(range(lo, hi + 1)):
            continue
        snapshots = []
        for day in days:
            for facts in read_batch(lo, hi, as_of=day, windows=model.windows):
                if chosen is not None and facts.account_id not in chosen:
                    continue
                # What recalculation.compute gives a snapshot, without the factors' explanation.
                score = engine.risk_score_json(facts.measures, model.rules)[0]
                snapshots.append(
                    HealthSnapshot(
                        account_id=facts.account_id,
                        day=day,
                        risk_score=score,
                        risk_level=model.level(score),
                        satisfaction_index=facts.measures.satisfaction,
                        category=facts.category,
                        revenue_12m=facts.revenue_12m,
                        visited_in_cadence=facts.visited_in_cadence,
                        has_active_plan=facts.has_active_plan,
                        complaints_past_due=facts.measures.complaints_past_due,
                    )
                )
        insert(HealthSnapshot, snapshots)
        made += len(snapshots)
        context.progress(f"health history up to account {hi:,}")
        reset_queries()
    return made
