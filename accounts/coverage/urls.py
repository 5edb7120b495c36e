from django.urls import path

from accounts.coverage import views

urlpatterns = [
    path("", views.coverage_matrix, name="coverage"),
    path("<int:stakeholder_pk>/<int:user_pk>/", views.coverage_edit, name="coverage_edit"),
]
