from django.urls import path

from planning.plans import views

urlpatterns = [path("", views.plan_list, name="plans")]
