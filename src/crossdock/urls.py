"""Root URL map: the merchant UI, the REST API, the admin."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from crossdock.api.app import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
    path("sandbox/", include("crossdock.sandbox.urls")),
    path("shipstation/", include("crossdock.hub.shipstation.urls")),
    path("desk/", include("crossdock.desk.urls")),
    path("", include("crossdock.web.urls")),
]
