from django.urls import path

from scoring.scorecard import views

urlpatterns = [
    path("", views.scorecard_detail, name="scorecard"),
    path("edit/", views.scorecard_edit, name="scorecard_edit"),
]
