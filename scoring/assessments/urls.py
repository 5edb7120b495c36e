from django.urls import path

from scoring.assessments import views

# Mounted at accounts/<pk>/scores/ in the scoring namespace; every name starts with "score" (and
# not "scorecard", the Value tab's prefix) so the access tests can prove each one covered.
urlpatterns = [
    path("", views.score_overview, name="scores"),
    path("new/", views.score_create, name="score_create"),
    path("<int:assessment_pk>/", views.score_detail, name="score_detail"),
]
