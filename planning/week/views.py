from django.shortcuts import render
from django.utils import timezone

from planning.models import Notification
from planning.week.queries import week_for


def my_week(request):
    today = timezone.localdate()
    week = week_for(request.user, today)
    unread = Notification.objects.filter(user=request.user, read_at__isnull=True).count()
    return render(
        request, "planning/week/week.html", {"week": week, "today": today, "unread": unread}
    )
