from django.urls import path

from scoring.surveys import views

# Mounted three times by scoring.urls: an account's surveys under the account, the indicators
# editor under /surveys/indicators/, and the respondent's private link under /s/<token>/.
account_urlpatterns = [
    path("new/", views.survey_create, name="survey_create"),
    path("send/", views.survey_send, name="survey_send"),
    path("<int:survey_pk>/", views.survey_detail, name="survey_detail"),
    path("<int:survey_pk>/withdraw/", views.survey_withdraw, name="survey_withdraw"),
    path("<int:survey_pk>/delete/", views.survey_delete, name="survey_delete"),
]

indicator_urlpatterns = [
    path("", views.indicator_list, name="survey_indicators"),
    path("new/", views.indicator_create, name="survey_indicator_create"),
    path("<int:indicator_pk>/edit/", views.indicator_edit, name="survey_indicator_edit"),
    path("<int:indicator_pk>/delete/", views.indicator_delete, name="survey_indicator_delete"),
]

public_urlpatterns = [
    path("<str:token>/", views.survey_answer, name="survey_answer"),
]
