from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from planning.feeds import ics, queries, services


def calendar_settings(request):
    context = {"feed": queries.feed_of_user(request.user)}
    return render(request, "planning/week/calendar.html", context)


@require_POST
@never_cache
def calendar_reset(request):
    """Issue a new link and show it, on this response only: the token is not stored, so the page
    cannot show it again (a reload asks the browser to post again, which issues another)."""
    feed, token = services.feed_token_issue(user=request.user)
    feed_url = request.build_absolute_uri(reverse("my:calendar_feed", kwargs={"token": token}))
    context = {
        "feed": feed,
        "feed_url": feed_url,
        "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
    }
    return render(request, "planning/week/calendar.html", context)


@login_not_required
@require_GET
@never_cache
def calendar_feed(request, token):
    """Public by token (calendar apps cannot sign in); an unknown or reset token is a 404."""
    feed = queries.feed_for_token_or_none(token)
    if feed is None:
        raise Http404
    user = feed.user
    with translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE):
        body = ics.build_calendar(
            queries.feed_visits(user),
            request.build_absolute_uri,
            name=_("KAM · %(user)s") % {"user": user.get_full_name() or user.get_username()},
        )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="kam.ics"'
    return response
