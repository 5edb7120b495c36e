from django.urls import path

from scoring.segments import views

# Mounted at segments/ in the scoring namespace; every name starts with "segment" so the access
# tests can prove each one covered.
urlpatterns = [
    path("", views.segment_list, name="segment_list"),
    path("new/", views.segment_create, name="segment_create"),
    path("<int:pk>/edit/", views.segment_edit, name="segment_edit"),
    path("<int:pk>/score/", views.segment_score, name="segment_score"),
    path("<int:pk>/delete/", views.segment_delete, name="segment_delete"),
]
