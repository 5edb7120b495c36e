from django.urls import path

from accounts.stakeholders import views

# Included at accounts/<pk>/stakeholders/ in the accounts namespace; every name starts with
# "stakeholder" so the access tests can prove each one covered.
urlpatterns = [
    path("", views.stakeholder_list, name="stakeholders"),
    path("new/", views.stakeholder_create, name="stakeholder_create"),
    path("org-chart/", views.stakeholder_org_chart, name="stakeholder_org_chart"),
    path("power-grid/", views.stakeholder_power_grid, name="stakeholder_power_grid"),
    path("<int:stakeholder_pk>/", views.stakeholder_detail, name="stakeholder_detail"),
    path("<int:stakeholder_pk>/edit/", views.stakeholder_edit, name="stakeholder_edit"),
    path("<int:stakeholder_pk>/left/", views.stakeholder_mark_left, name="stakeholder_mark_left"),
    path(
        "<int:stakeholder_pk>/reinstate/",
        views.stakeholder_reinstate,
        name="stakeholder_reinstate",
    ),
    path("<int:stakeholder_pk>/history/", views.stakeholder_history, name="stakeholder_history"),
    path(
        "<int:stakeholder_pk>/history/<int:history_id>/",
        views.stakeholder_version,
        name="stakeholder_version",
    ),
]
