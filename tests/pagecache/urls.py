"""The site's URLs plus two views that a cache must not share: one sets a cookie, one varies on
it. Used only by tests (pytest.mark.urls)."""

from django.http import HttpResponse
from django.urls import path
from django.utils.cache import patch_vary_headers

from config.urls import urlpatterns as site_urlpatterns


def sets_cookie(request):
    response = HttpResponse("<p>Welcome</p>")
    response.set_cookie("greeted", "1")
    return response


def varies_on_cookie(request):
    response = HttpResponse(f"<p>{request.COOKIES.get('theme', 'light')}</p>")
    patch_vary_headers(response, ["Cookie"])
    return response


urlpatterns = [
    path("test-sets-cookie/", sets_cookie),
    path("test-varies-on-cookie/", varies_on_cookie),
    *site_urlpatterns,
]
