from django.urls import path

from planning.plans import views

# Mounted at accounts/<pk>/plans/ in the planning namespace; every name starts with "plan" so
# the access tests can prove each one covered.
urlpatterns = [
    path("", views.plan_list, name="plans"),
    path("new/", views.plan_create, name="plan_create"),
    path("<int:plan_pk>/", views.plan_detail, name="plan_detail"),
    path("<int:plan_pk>/edit/", views.plan_edit, name="plan_edit"),
    path("<int:plan_pk>/status/", views.plan_status, name="plan_status"),
    path("<int:plan_pk>/copy/", views.plan_copy, name="plan_copy"),
    path("<int:plan_pk>/history/", views.plan_history, name="plan_history"),
    path("<int:plan_pk>/history/<int:history_id>/", views.plan_version, name="plan_version"),
    path(
        "<int:plan_pk>/objectives/new/",
        views.plan_objective_create,
        name="plan_objective_create",
    ),
    path(
        "<int:plan_pk>/objectives/<int:objective_pk>/edit/",
        views.plan_objective_edit,
        name="plan_objective_edit",
    ),
    path(
        "<int:plan_pk>/objectives/<int:objective_pk>/actual/",
        views.plan_objective_actual,
        name="plan_objective_actual",
    ),
    path(
        "<int:plan_pk>/objectives/<int:objective_pk>/actions/new/",
        views.plan_action_create,
        name="plan_action_create",
    ),
    path(
        "<int:plan_pk>/actions/<int:action_pk>/edit/",
        views.plan_action_edit,
        name="plan_action_edit",
    ),
    path(
        "<int:plan_pk>/actions/<int:action_pk>/done/",
        views.plan_action_done,
        name="plan_action_done",
    ),
]
