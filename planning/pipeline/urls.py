from django.urls import path

from planning.pipeline import views

urlpatterns = [path("", views.opportunity_board, name="pipeline")]
