"""History rows for the demo managers' accounts, dated when things happened."""

import copy
from datetime import timedelta

from accounts.demo.context import INSERT_BATCH
from accounts.demo.people import DEMO_MANAGERS
from accounts.models import Account, AccountTeamMember, Category, Complaint, ComplaintStatus


def record_demo_history(builder, accounts, plans, members, complaints) -> None:
    """History rows for what the demo managers can see, dated when things happened, so the
    History tab tells a story. Every other account skips history, as bulk inserts do."""
    users = builder.users
    shown = {
        account.pk
        for account, plan in zip(accounts, plans, strict=True)
        if plan.owner in DEMO_MANAGERS
    }
    shown |= {m.account_id for m in members if m.user.username in DEMO_MANAGERS}
    if not shown:
        return
    created, promoted = [], []
    for account in accounts:
        if account.pk not in shown:
            continue
        if account.category == Category.KEY:
            # It was a normal account until the director made it a key account.
            before = copy.copy(account)
            before.category = Category.NORMAL
            before._history_date = account.created_at
            before._history_user = users["admin"]
            created.append(before)
            first = account.created_at.date() + timedelta(days=30)
            last = max(first, builder.today - timedelta(days=30))
            promoted_on = first + timedelta(days=builder.rng.randint(0, (last - first).days))
            account._history_date = builder.at(min(promoted_on, builder.today), hour=15)
            account._history_user = users["director"]
            promoted.append(account)
        else:
            account._history_date = account.created_at
            account._history_user = users["admin"]
            created.append(account)
    Account.history.bulk_history_create(created, batch_size=INSERT_BATCH)
    Account.history.bulk_history_create(promoted, batch_size=INSERT_BATCH, update=True)

    shown_members = [m for m in members if m.account_id in shown]
    for member in shown_members:
        member._history_date = builder.at(member.joined_on)
        member._history_user = member.account.owner or users["director"]
    AccountTeamMember.history.bulk_history_create(shown_members, batch_size=INSERT_BATCH)

    opened, resolved = [], []
    for complaint in complaints:
        if complaint.account_id not in shown:
            continue
        first = complaint
        if complaint.status == ComplaintStatus.RESOLVED:
            complaint._history_date = builder.at(complaint.resolved_on, hour=17)
            complaint._history_user = complaint.owner
            resolved.append(complaint)
            first = copy.copy(complaint)
            first.status, first.resolved_on, first.resolution = ComplaintStatus.OPEN, None, ""
            first.conflict_mode = ""
        first._history_date = builder.at(complaint.opened_on, hour=9)
        first._history_user = complaint.owner
        opened.append(first)
    Complaint.history.bulk_history_create(opened, batch_size=INSERT_BATCH)
    Complaint.history.bulk_history_create(resolved, batch_size=INSERT_BATCH, update=True)
