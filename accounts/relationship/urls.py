from django.urls import path

from accounts.relationship import views

urlpatterns = [
    path("", views.relationship, name="relationship"),
    path("stage/", views.stage_change, name="stage_change"),
    path("assessment/", views.stage_assessment, name="stage_assessment"),
    path("profile/", views.relationship_profile, name="relationship_profile"),
]
