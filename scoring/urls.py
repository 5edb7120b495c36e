from django.urls import include, path

from scoring.health import urls as health_urls
from scoring.surveys import urls as survey_urls

app_name = "scoring"

# Each part owns its routes. The account tabs sit under the account (/accounts/<pk>/scores/ is
# scoring's view); the portfolio pages and the admins' editors have their own roots. Route names
# start with the part's prefix (score, scorecard, matrix/pareto, dashboard, segment, criteria, tier,
# health, survey) so the access tests can prove each one covered.
urlpatterns = [
    path("accounts/<int:pk>/scores/", include("scoring.assessments.urls")),
    path("accounts/<int:pk>/value/", include("scoring.scorecard.urls")),
    path("portfolio/", include("scoring.portfolio.urls")),
    path("portfolio/", include("scoring.dashboard.urls")),
    path("segments/", include("scoring.segments.urls")),
    path("criteria/", include("scoring.criteria.urls")),
    path("tiers/", include("scoring.tiers.urls")),
    path("accounts/<int:pk>/health/", include(health_urls.account_urlpatterns)),
    path("accounts/<int:pk>/surveys/", include(survey_urls.account_urlpatterns)),
    path("health/", include(health_urls.urlpatterns)),
    path("surveys/indicators/", include(survey_urls.indicator_urlpatterns)),
    path("s/", include(survey_urls.public_urlpatterns)),
]
