from django.shortcuts import render
from django.utils import timezone

from planning.reminders.queries import unread_count_for_request
from planning.week.queries import week_for


def my_week(request):
    today = timezone.localdate()
    week = week_for(request.user, today)
    unread = unread_count_for_request(request)
    return render(
        request, "planning/week/week.html", {"week": week, "today": today, "unread": unread}
    )
