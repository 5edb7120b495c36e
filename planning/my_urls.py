"""Pages about the signed-in user rather than one account: My week, the calendar feed,
notifications. Each part owns its routes."""

from django.urls import include, path

app_name = "my"

urlpatterns = [
    path("", include("planning.week.urls")),
    path("", include("planning.reminders.urls")),
]
