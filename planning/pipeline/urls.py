from django.urls import path

from planning.pipeline import views

urlpatterns = [
    path("", views.opportunity_board, name="pipeline"),
    path("list/", views.opportunity_list, name="opportunity_list"),
    path("new/", views.opportunity_create, name="opportunity_create"),
    path("<int:opportunity_pk>/", views.opportunity_detail, name="opportunity_detail"),
    path("<int:opportunity_pk>/edit/", views.opportunity_edit, name="opportunity_edit"),
    path("<int:opportunity_pk>/criteria/", views.opportunity_criteria, name="opportunity_criteria"),
    path("<int:opportunity_pk>/move/", views.opportunity_move, name="opportunity_move"),
    path("<int:opportunity_pk>/lost/", views.opportunity_lost, name="opportunity_lost"),
]
