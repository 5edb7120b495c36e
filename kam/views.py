from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect
from django.template import loader
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from accounts import outbox
from accounts.access import ROLE_LABELS, is_account_manager, is_admin, is_director
from accounts.demo import DEMO_LOGINS, DEMO_PASSWORD
from accounts.services import user_set_language


def home(request):
    """Account managers land on My week; directors and admins on the portfolio dashboard."""
    user = request.user
    if is_director(user) or is_admin(user):
        return redirect("scoring:dashboard")
    if is_account_manager(user):
        return redirect("my:week")
    return redirect("accounts:list")


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.KAM_DEMO_MODE:
            context["demo_logins"] = [
                (person.username, ROLE_LABELS[person.role]) for person in DEMO_LOGINS
            ]
            context["demo_password"] = DEMO_PASSWORD
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        language = form.get_user().language
        if language:
            translation.activate(language)
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response


@login_not_required
@require_POST
def set_language(request):
    """Django's set_language, plus remembering the choice on the signed-in user."""
    language = request.POST.get("language", "")
    if language in dict(settings.LANGUAGES):
        user_set_language(user=request.user, language=language)
    return django_set_language(request)


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "not reachable"; say which
        return f"error: {exc.__class__.__name__}"
    return "ok"


def _redis_status(url: str) -> str:
    """One PING with half-second timeouts: a black-holed Redis answers "error" quickly."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
        try:
            client.ping()
        finally:
            client.close()
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"
    return "ok"


def _cache_status() -> str:
    cache = settings.CACHES["default"]
    if not cache["BACKEND"].endswith("RedisCache"):
        return "not configured (memory of each process)"
    return _redis_status(cache["LOCATION"])


def _broker_status() -> str:
    if not settings.REDIS_URL:
        return "not configured (tasks run eagerly)"
    return _redis_status(settings.REDIS_URL)


def _outbox_status() -> dict:
    """How much Celery work waits for the broker, and for how long (accounts.outbox)."""
    try:
        waiting = outbox.pending().count()
        age = outbox.oldest_pending_age() if waiting else None
    except Exception as exc:
        return {"status": f"error: {exc.__class__.__name__}"}
    return {
        "status": "ok",
        "pending": waiting,
        "oldest_pending_seconds": round(age.total_seconds()) if age else 0,
    }


def _is_up(status: str) -> bool:
    return status == "ok" or status.startswith("not configured")


def _dependencies() -> dict:
    database = _database_status()
    return {
        "database": database,
        "cache": _cache_status(),
        "broker": _broker_status(),
        "outbox": _outbox_status() if database == "ok" else {"status": "unknown"},
    }


def _overall(checks: dict) -> str:
    if not _is_up(checks["database"]):
        return "error"
    if all(_is_up(checks[name]) for name in ("cache", "broker")):
        return "ok"
    return "degraded"


@login_not_required
@never_cache
def healthz(request):
    """Liveness of the web tier: 200 while the database answers, whatever Redis does (pages keep
    working: sessions are in the database, the cache fails open, Celery work waits in the outbox).
    Each dependency is reported on its own; "degraded" names a Redis outage."""
    checks = _dependencies()
    status = _overall(checks)
    return JsonResponse({"status": status, **checks}, status=503 if status == "error" else 200)


@login_not_required
@never_cache
def readyz(request):
    """Readiness: 200 only when every dependency answers; 503 "degraded" (or "error" without
    the database) otherwise, for a load balancer that prefers fully working instances."""
    checks = _dependencies()
    status = _overall(checks)
    return JsonResponse({"status": status, **checks}, status=200 if status == "ok" else 503)


# The 500 page's heading, also used by its plain fallback.
SERVER_ERROR_TITLE = gettext_noop("Something went wrong on our side")


def errors_are_reported() -> bool:
    """Whether a server error reaches a person: mailed to ADMINS or sent to Sentry."""
    return bool(settings.ADMINS or settings.SENTRY_DSN)


def server_error(request):
    """The 500 page (handler500). It says only what is true: whether the error was reported, and
    after a failed save that it may not have been saved. It must not fail itself, so it renders
    without the request's context processors (no queries, no session) and falls back to plain
    text if even the template fails."""
    context = {
        "reported": errors_are_reported(),
        "was_saving": request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"),
    }
    try:
        return HttpResponseServerError(loader.get_template("500.html").render(context))
    except Exception:  # a broken template or static manifest: the plain words still help
        return HttpResponseServerError(
            f"<!doctype html><title>KAM</title><h1>{escape(gettext(SERVER_ERROR_TITLE))}</h1>",
            content_type="text/html; charset=utf-8",
        )


# A request over the body limits of settings.py (DATA_UPLOAD_*): refused before any view ran.
_TOO_LARGE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


def bad_request(request, exception):
    """The 400 page (handler400), answered 413 when the request was refused for its size. Like the
    500 page it renders without the request's context: the request is one Django could not read
    (an oversized body, a Host it does not serve)."""
    too_large = isinstance(exception, _TOO_LARGE)
    body = loader.get_template("400.html").render({"too_large": too_large})
    return HttpResponse(body, status=413 if too_large else 400)
