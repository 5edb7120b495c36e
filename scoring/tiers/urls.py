from django.urls import path

from scoring.tiers import views

# Mounted at tiers/ in the scoring namespace; every name starts with "tier" so the access tests
# can prove each one covered.
urlpatterns = [
    path("", views.tier_rules, name="tier_rules"),
    path("edit/", views.tier_rules_edit, name="tier_rules_edit"),
    path("preview/", views.tier_preview, name="tier_preview"),
    path("apply/", views.tier_apply, name="tier_apply"),
]
