from django.urls import path

from scoring.dashboard import views

# Mounted at portfolio/ in the scoring namespace, beside the matrix and the 80/20 view.
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export.xlsx", views.dashboard_export, name="dashboard_export"),
    path("dashboard/accounts/", views.dashboard_accounts, name="dashboard_accounts"),
]
