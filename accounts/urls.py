from django.urls import include, path

from accounts import mail_views, views
from accounts.background_exports import views as export_views
from accounts.imports import views as import_views

app_name = "accounts"

urlpatterns = [
    path("", views.account_list, name="list"),
    path("new/", views.account_create, name="create"),
    path("export/accounts/", views.export_accounts, name="export_accounts"),
    path("export/stakeholders/", views.export_stakeholders, name="export_stakeholders"),
    path("export/transactions/", views.export_transactions, name="export_transactions"),
    path("exports/", export_views.export_jobs, name="export_jobs"),
    path("exports/<int:pk>/", export_views.export_job, name="export_job"),
    path(
        "exports/<int:pk>/progress/", export_views.export_job_progress, name="export_job_progress"
    ),
    path(
        "exports/<int:pk>/download/", export_views.export_job_download, name="export_job_download"
    ),
    path("exports/<int:pk>/retry/", export_views.export_job_retry, name="export_job_retry"),
    path("import/", import_views.import_start, name="import"),
    path("import/template/<str:kind>/", import_views.import_template, name="import_template"),
    path("import/<int:pk>/", import_views.import_detail, name="import_detail"),
    path("import/<int:pk>/mapping/", import_views.import_mapping, name="import_mapping"),
    path("import/<int:pk>/progress/", import_views.import_progress, name="import_progress"),
    path("import/<int:pk>/confirm/", import_views.import_confirm, name="import_confirm"),
    path("import/<int:pk>/retry/", import_views.import_retry, name="import_retry"),
    path("import/<int:pk>/cancel/", import_views.import_cancel, name="import_cancel"),
    path("import/<int:pk>/report/", import_views.import_report, name="import_report"),
    # Sign-in lockouts (a KAM admin's page): accounts owns users and access.
    path("lockouts/", include("accounts.lockouts.urls")),
    # Admins: e-mail that failed or waits for another attempt (accounts.mail).
    path("mail/", mail_views.outgoing_mail, name="mail"),
    path("mail/<int:mail_pk>/retry/", mail_views.outgoing_mail_retry, name="mail_retry"),
    path("<int:pk>/", views.account_detail, name="detail"),
    path("<int:pk>/edit/", views.account_edit, name="edit"),
    path("<int:pk>/history/", views.account_history, name="history"),
    path("<int:pk>/history/<int:history_id>/", views.account_version, name="history_version"),
    # Relationship intelligence: each part owns its routes; names start with the part's prefix
    # (stakeholder…, coverage…, relationship…/stage…) so access tests can prove each one covered.
    path("<int:pk>/stakeholders/", include("accounts.stakeholders.urls")),
    path("<int:pk>/coverage/", include("accounts.coverage.urls")),
    path("<int:pk>/relationship/", include("accounts.relationship.urls")),
    path("<int:pk>/team/", views.account_team, name="team"),
    path(
        "<int:pk>/team/<int:member_pk>/remove/",
        views.team_member_remove,
        name="team_member_remove",
    ),
    path("<int:pk>/transactions/", views.transaction_list, name="transactions"),
    path("<int:pk>/transactions/new/", views.transaction_create, name="transaction_create"),
    path("<int:pk>/complaints/", views.complaint_list, name="complaints"),
    path("<int:pk>/complaints/new/", views.complaint_create, name="complaint_create"),
    path("<int:pk>/complaints/<int:complaint_pk>/", views.complaint_edit, name="complaint_edit"),
    path(
        "<int:pk>/complaints/<int:complaint_pk>/resolve/",
        views.complaint_resolve,
        name="complaint_resolve",
    ),
    path(
        "<int:pk>/complaints/<int:complaint_pk>/reopen/",
        views.complaint_reopen,
        name="complaint_reopen",
    ),
]
