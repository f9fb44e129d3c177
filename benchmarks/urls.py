from django.http import HttpResponse
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def trivial(request):
    """The baseline: the whole middleware stack, no template, no database."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial), *portal_urlpatterns]
handler403 = "portal.views.error_403"
handler404 = "portal.views.error_404"
handler500 = "portal.errorpages.server_error"
