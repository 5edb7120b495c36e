"""The relationship side of the demo: stakeholder maps (stakeholders.py) with needs, private notes
and coverage (coverage.py), and each account's stage history and checklist (stages.py). The stage
itself is set when the account is built (trading.py calls stages.stage_fields).

Reads the accounts the accounts step made, a batch at a time in id order (the order they were
built in, so the same seed gives the same maps), and bulk-inserts what hangs off them. No
simple-history rows: bulk inserts skip them, which is fine for demo data."""

from django.db import reset_queries
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from accounts.demo.context import ACCOUNT_BATCH, DemoContext
from accounts.demo.loading import insert
from accounts.demo.maps import STORIES, MapRows
from accounts.demo.people import DEMO_MANAGERS, EXTRA_MANAGERS
from accounts.demo.stages import assessment, stage_changes
from accounts.demo.stakeholders import MapBuilder
from accounts.models import (
    Account,
    AccountTeamMember,
    Category,
    Coverage,
    StageAssessment,
    StageChange,
    Stakeholder,
    StakeholderNeed,
    StakeholderPrivateNote,
)

ACCOUNT_FIELDS = (
    "id",
    "name",
    "website",
    "category",
    "owner_id",
    "industry",
    "region",
    "created_at",
    "relationship_stage",
    "target_stage",
)


def story_accounts() -> dict[int, str]:
    """Which of the demo managers' key accounts tells which story (see stakeholders.STORIES)."""
    stories = {}
    for username in DEMO_MANAGERS:
        accounts = Account.objects.filter(category=Category.KEY, owner__username=username)
        ids = accounts.order_by("external_id").values_list("id", flat=True)
        stories.update(zip(ids, STORIES[username], strict=False))
    return stories


def create_relationships(context: DemoContext) -> dict[str, int]:
    """Stakeholder maps, coverage and stage histories for every account. Needs create_accounts."""
    rng = context.rng("relationships")
    tz = timezone.get_current_timezone()
    spare = [context.users[person.username].pk for person in EXTRA_MANAGERS]
    maps = MapBuilder(rng, context.today, tz, spare)
    stories = story_accounts()
    counts = dict.fromkeys(
        (
            "stakeholders",
            "needs",
            "private notes",
            "coverage",
            "stage changes",
            "stage assessments",
        ),
        0,
    )
    total = Account.objects.count()
    done, last_id, keys_seen = 0, 0, 0
    while True:
        accounts = list(
            Account.objects.filter(pk__gt=last_id)
            .order_by("pk")
            .values(*ACCOUNT_FIELDS)[:ACCOUNT_BATCH]
        )
        if not accounts:
            break
        last_id = accounts[-1]["id"]
        teams = {account["id"]: [] for account in accounts}
        members = AccountTeamMember.objects.filter(account_id__in=teams).order_by("pk")
        for account_id, user_id, role in members.values_list("account_id", "user_id", "role"):
            teams[account_id].append((user_id, role))
        rows = MapRows()
        changes, assessments = [], []
        for account in accounts:
            maps.build(account, teams[account["id"]], stories.get(account["id"]), rows)
            english = account["name"].isascii()
            history = stage_changes(rng, account, account["owner_id"], english, context.today, tz)
            changes += history
            if account["category"] == Category.KEY:
                keys_seen += 1
            # Most key accounts, not all: every fifth has never been assessed.
            if account["category"] == Category.KEY and keys_seen % 5:
                assessments.append(
                    assessment(rng, account, account["owner_id"], history, context.today, tz)
                )
        _insert(rows, changes, assessments, counts)
        done += len(accounts)
        context.progress(f"{done:,} of {total:,} accounts' relationships")
        reset_queries()
    return counts


def _insert(rows: MapRows, changes, assessments, counts) -> None:
    for level in rows.levels:
        insert(Stakeholder, level)
        counts["stakeholders"] += len(level)
    insert(AccountTeamMember, rows.team)
    insert(StakeholderNeed, rows.needs)
    insert(StakeholderPrivateNote, rows.notes)
    insert(Coverage, rows.coverage)
    insert(StageChange, changes)
    insert(StageAssessment, assessments)
    counts["needs"] += len(rows.needs)
    counts["private notes"] += len(rows.notes)
    counts["coverage"] += len(rows.coverage)
    counts["stage changes"] += len(changes)
    counts["stage assessments"] += len(assessments)
    if rows.stale_accounts:
        _backdate(rows.stale_accounts)


def _backdate(account_ids: list[int]) -> None:
    """`updated_at` is auto_now, so the bulk insert stamped every row with now. A stale map was
    last touched when its people were added: more than 90 days ago."""
    people = Stakeholder.objects.filter(account_id__in=account_ids)
    people.update(updated_at=F("created_at"))
    added = Subquery(Stakeholder.objects.filter(pk=OuterRef("stakeholder_id")).values("created_at"))
    Coverage.objects.filter(stakeholder__account_id__in=account_ids).update(updated_at=added)
    StakeholderPrivateNote.objects.filter(stakeholder__account_id__in=account_ids).update(
        updated_at=added
    )
