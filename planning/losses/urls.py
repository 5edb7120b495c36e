from django.urls import path

from planning.losses import views

urlpatterns = [path("", views.loss_records, name="loss_records")]
