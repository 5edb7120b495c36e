from django.urls import path

from accounts.stakeholders import views

urlpatterns = [
    path("", views.stakeholder_list, name="stakeholders"),
]
