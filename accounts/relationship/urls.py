from django.urls import path

from accounts.relationship import views

urlpatterns = [
    path("", views.relationship, name="relationship"),
]
