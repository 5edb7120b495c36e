"""Reads for the notifications page: only the signed-in user's own notifications."""

from django.db.models import F, QuerySet
from django.shortcuts import get_object_or_404

from planning.models import Notification

PAGE_SIZE = 100


def notifications_for(user) -> QuerySet[Notification]:
    """The user's notifications, unread first, newest first within each group."""
    return Notification.objects.filter(user=user).order_by(
        F("read_at").desc(nulls_first=True), "-created_at", "-pk"
    )


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def unread_count_for_request(request) -> int:
    """The signed-in user's unread count, counted once per request however many places show it
    (the top bar on every page, My week, the notifications page)."""
    if not hasattr(request, "_kam_unread_notifications"):
        request._kam_unread_notifications = unread_count(request.user)
    return request._kam_unread_notifications


def get_notification_or_404(user, notification_pk) -> Notification:
    """Another user's notification, or an unknown id, is a 404."""
    return get_object_or_404(Notification, user=user, pk=notification_pk)
