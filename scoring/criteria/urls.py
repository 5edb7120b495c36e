from django.urls import path

from scoring.criteria import views

# Mounted at criteria/ in the scoring namespace; every name starts with "criteria" so the access
# tests can prove each one covered.
urlpatterns = [
    path("", views.criteria_list, name="criteria_list"),
    path("new/<slug:kind>/", views.criteria_draft_create, name="criteria_draft_create"),
    path("<int:set_pk>/", views.criteria_detail, name="criteria_detail"),
    path("<int:set_pk>/edit/", views.criteria_edit, name="criteria_edit"),
    path("<int:set_pk>/discard/", views.criteria_draft_delete, name="criteria_draft_delete"),
    path("<int:set_pk>/preview/", views.criteria_preview, name="criteria_preview"),
    path("<int:set_pk>/publish/", views.criteria_publish, name="criteria_publish"),
    path(
        "<int:set_pk>/criteria/new/",
        views.criteria_criterion_create,
        name="criteria_criterion_create",
    ),
    path(
        "<int:set_pk>/criteria/<int:criterion_pk>/edit/",
        views.criteria_criterion_edit,
        name="criteria_criterion_edit",
    ),
    path(
        "<int:set_pk>/criteria/<int:criterion_pk>/delete/",
        views.criteria_criterion_delete,
        name="criteria_criterion_delete",
    ),
]
