from django.urls import path

from accounts.lockouts import views

# Included by accounts.urls; every name starts with "lockout" for the access tests.
urlpatterns = [
    path("", views.lockouts, name="lockouts"),
    path("lift/", views.lift, name="lockout_lift"),
    path("unblock/", views.unblock, name="lockout_unblock"),
]
