from django.urls import path

from planning.losses import views

# Mounted at accounts/<pk>/lost/ in the planning namespace; every name starts with "loss".
urlpatterns = [
    path("", views.loss_records, name="loss_records"),
    path("new/", views.loss_record_create, name="loss_record_create"),
    path("<int:record_pk>/", views.loss_record_detail, name="loss_record_detail"),
]
