from django.urls import path

from scoring.scorecard import views

urlpatterns = [
    path("", views.scorecard_detail, name="scorecard"),
]
