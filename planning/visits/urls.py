from django.urls import path

from planning.visits import views

urlpatterns = [path("", views.visit_list, name="visits")]
