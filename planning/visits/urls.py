from django.urls import path

from planning.visits import views

urlpatterns = [
    path("", views.visit_list, name="visits"),
    path("new/", views.visit_create, name="visit_create"),
    path("<int:visit_pk>/", views.visit_detail, name="visit_detail"),
    path("<int:visit_pk>/edit/", views.visit_edit, name="visit_edit"),
    path("<int:visit_pk>/report/", views.visit_report, name="visit_report"),
    path("<int:visit_pk>/cancel/", views.visit_cancel, name="visit_cancel"),
    path("<int:visit_pk>/next-step-done/", views.visit_next_step_done, name="visit_next_step_done"),
]
