from django.urls import path

from planning.reminders import views

urlpatterns = [
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path(
        "notifications/<int:notification_pk>/read/",
        views.notification_read,
        name="notification_read",
    ),
]
