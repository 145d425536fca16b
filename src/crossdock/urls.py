"""Root URL map: the merchant UI, the REST API, the admin, the error pages."""

from __future__ import annotations

from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from crossdock import media_proxy
from crossdock.api.app import api

handler404 = "crossdock.error_pages.page_not_found"
handler500 = "crossdock.error_pages.server_error"

urlpatterns = [
    # Browsers ask for /favicon.ico whatever the page links; it lives with the static files.
    path("favicon.ico", RedirectView.as_view(url=static("crossdock/favicon.ico"), permanent=True)),
    path("media-proxy/", media_proxy.media_proxy, name="media_proxy"),
    path("desk/media-proxy/", media_proxy.media_proxy, name="desk_media_proxy"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
    path("sandbox/", include("crossdock.sandbox.urls")),
    path("shipstation/", include("crossdock.hub.shipstation.urls")),
    path("desk/", include("crossdock.desk.urls")),
    path("", include("crossdock.web.urls")),
]
