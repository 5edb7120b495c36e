from django.urls import path

from scoring.portfolio import views

# Mounted at portfolio/ in the scoring namespace: the portfolio-wide pages a director reviews.
urlpatterns = [
    path("matrix/", views.matrix, name="matrix"),
    path("pareto/", views.pareto, name="pareto"),
]
