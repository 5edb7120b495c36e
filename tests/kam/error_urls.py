"""KAM's URLs plus views that fail, for the tests of what a server error does."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from kam.urls import handler500  # noqa: F401 (the 500 handler)
from kam.urls import urlpatterns as kam_urlpatterns


class SaveFailedHalfway(Exception):
    pass


@login_not_required
def fail(request):
    raise SaveFailedHalfway("the database went away while saving")


urlpatterns = [path("test-failure/", fail), *kam_urlpatterns]
