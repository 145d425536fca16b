"""Everything under ``/desk/``: the desk's REST API and its web UI."""

from __future__ import annotations

from django.urls import include, path

from crossdock.desk.api.app import desk_api

urlpatterns = [
    path("api/v1/", desk_api.urls),
    path("", include("crossdock.desk.web.urls")),
]
