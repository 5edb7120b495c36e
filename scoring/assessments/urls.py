from django.urls import path

from scoring.assessments import views

urlpatterns = [
    path("", views.score_overview, name="scores"),
]
