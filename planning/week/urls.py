from django.urls import path

from planning.feeds import views as feed_views
from planning.week import views

# Included by planning/my_urls.py in the "my" namespace: names start with "week" or "calendar".
urlpatterns = [
    path("week/", views.my_week, name="week"),
    path("calendar/", feed_views.calendar_settings, name="calendar"),
    path("calendar/reset/", feed_views.calendar_reset, name="calendar_reset"),
    path("calendar/<str:token>.ics", feed_views.calendar_feed, name="calendar_feed"),
]
