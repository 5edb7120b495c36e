from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from kam import views

# The 500 page says whether the error was reported and whether a save may have failed.
handler500 = "kam.views.server_error"
# The 400 page; 413 for a request over the body limits (settings, "Request bodies").
handler400 = "kam.views.bad_request"

admin.site.site_header = _("KAM administration")
admin.site.site_title = _("KAM administration")
admin.site.index_title = _("Criteria, users and reference data")

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", views.set_language, name="set_language"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("planning.urls")),
    path("", include("planning.my_urls")),
    path("", include("scoring.urls")),
    path("admin/", admin.site.urls),
]
