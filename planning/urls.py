from django.urls import include, path

app_name = "planning"

# Each part owns its routes, mounted under the account (/accounts/<pk>/plans/ is planning's view).
urlpatterns = [
    path("<int:pk>/plans/", include("planning.plans.urls")),
    path("<int:pk>/visits/", include("planning.visits.urls")),
    path("<int:pk>/pipeline/", include("planning.pipeline.urls")),
    path("<int:pk>/lost/", include("planning.losses.urls")),
]
