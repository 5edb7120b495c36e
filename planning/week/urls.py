from django.urls import path

from planning.week import views

urlpatterns = [path("week/", views.my_week, name="week")]
