from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from planning.feeds import ics, queries, services


def calendar_settings(request):
    feed = services.feed_of(user=request.user)
    feed_url = request.build_absolute_uri(reverse("my:calendar_feed", kwargs={"token": feed.token}))
    webcal_url = "webcal://" + feed_url.split("://", 1)[1]
    return render(
        request,
        "planning/week/calendar.html",
        {"feed": feed, "feed_url": feed_url, "webcal_url": webcal_url},
    )


@require_POST
def calendar_reset(request):
    services.reset_feed(user=request.user)
    messages.success(request, _("Your calendar link was reset. Subscribe again with the new link."))
    return redirect("my:calendar")


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
