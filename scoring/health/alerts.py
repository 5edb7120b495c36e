"""The churn alert: a notification to the owner of an account that crossed into high risk, in
the owner's language (planning renders stored alerts again through `churn_alert_text`)."""

import datetime

from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from accounts import translatable
from accounts.models import User
from planning.models import Notification
from planning.reminders.services import user_language
from scoring.health import explain

CHURN_ALERT = "churn_risk"
TEXT_LENGTH = Notification._meta.get_field("text").max_length


def churn_alert_text(*, account: str, score, factors: list[dict]) -> str:
    """The alert in the active language (planning renders stored alerts through this)."""
    return _("%(account)s is now at high churn risk (%(score)s): %(reasons)s") % {
        "account": account,
        "score": score,
        "reasons": explain.reasons_sentence(factors),
    }


def _alert_message(account_name: str, values: dict) -> dict:
    return {
        "kind": CHURN_ALERT,
        "account": account_name,
        "score": values["risk_score"],
        "factors": values["factors"],
    }


def alert_key(account_id: int, day: datetime.date) -> str:
    return f"risk:{account_id}:{day.isoformat()}"


def new_alerts(crossings: list, as_of: datetime.date) -> list[Notification]:
    """A notification to the owner of each account that crossed into high risk (`crossings`:
    scoring.health.recalculation.Computed values), in the owner's
    language. The key names the account and the day, so crossing twice in a day (down and up
    again) notifies once."""
    owner_ids = {c.facts.owner_id for c in crossings if c.facts.owner_id}
    owners = {user.pk: user for user in User.objects.filter(pk__in=owner_ids, is_active=True)}
    sent = set(
        Notification.objects.filter(
            key__in=[alert_key(c.account_id, as_of) for c in crossings]
        ).values_list("key", flat=True)
    )
    notifications = []
    for computed in crossings:
        owner = owners.get(computed.facts.owner_id)
        if owner is None or alert_key(computed.account_id, as_of) in sent:
            continue
        message = _alert_message(computed.facts.name, computed.values)
        with translation.override(user_language(owner)):
            notifications.append(
                Notification(
                    user=owner,
                    key=alert_key(computed.account_id, as_of),
                    text=Truncator(translatable.render(message)).chars(TEXT_LENGTH),
                    message=message,
                    url=reverse("scoring:health", args=[computed.account_id]),
                    due_on=as_of,
                )
            )
    return notifications
