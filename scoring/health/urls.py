from django.urls import path

from scoring.health import views

# Mounted twice by scoring.urls: the account's Health tab under the account, and the portfolio
# pages (overview, risk model, runs) under /health/.
account_urlpatterns = [
    path("", views.account_health, name="health"),
]

urlpatterns = [
    path("", views.overview, name="health_overview"),
    path("model/", views.risk_model, name="health_model"),
    path("model/edit/", views.risk_model_edit, name="health_model_edit"),
    path("runs/", views.runs, name="health_runs"),
    path("runs/start/", views.recalculate_now, name="health_recalculate"),
    path("runs/<int:pk>/retry/", views.run_retry, name="health_run_retry"),
    path("runs/<int:pk>/dismiss/", views.run_dismiss, name="health_run_dismiss"),
]
