from functools import partial

from django.conf import settings

from accounts import access
from planning.reminders.queries import unread_count_for_request


def nav_section(request) -> str | None:
    """Which top-bar item a page belongs to. Every page about one account lives under /accounts/
    whichever app serves it (its Health, Scores or Plans tab too), so it belongs to the accounts."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None
    if match.view_name == "my:week":
        return "week"
    if (match.route or "").startswith("accounts/"):
        return "accounts"
    if match.app_name == "scoring":
        return "portfolio"
    return None


def site(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"demo_mode": settings.KAM_DEMO_MODE}
    return {
        "demo_mode": settings.KAM_DEMO_MODE,
        "nav": {
            "is_admin": access.is_admin(user),
            "is_director": access.is_director(user),
            "is_manager": access.is_account_manager(user),
            "can_create_account": access.can_create_account(user),
            # Django's admin needs is_staff on top of the KAM admin role.
            "can_use_django_admin": user.is_staff and access.is_admin(user),
            "section": nav_section(request),
            # Called by the template when the top bar shows it: one query, then kept on the request.
            "unread": partial(unread_count_for_request, request),
        },
    }
