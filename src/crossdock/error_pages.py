"""The 404 and 500 pages of the whole site, styled like the hub or, under ``/desk/``, the desk.

Both render ``404.html`` / ``500.html`` (project templates extending ``error_page.html``)
with a plain context: no context processors, so neither page touches the session or the
database. A 500 often means the database is the thing that failed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound, HttpResponseServerError
from django.template import loader


@dataclass(frozen=True)
class Face:
    """Which face of Crossdock a path belongs to, for the brand and the way home."""

    brand: str
    home_url: str
    home_label: str


HUB = Face("Crossdock", "/", "Go to the dashboard")
DESK = Face("Crossdock desk", "/desk/", "Go to the orders grid")


def face_for(path: str) -> Face:
    """The desk's face under ``/desk/``, the hub's everywhere else."""
    return DESK if path == "/desk" or path.startswith("/desk/") else HUB


def _render(request: HttpRequest, status: int, title: str, explanation: str) -> str:
    face = face_for(request.path)
    template = loader.get_template(f"{status}.html")
    return template.render(
        {
            "status": status,
            "title": title,
            "explanation": explanation,
            "brand": face.brand,
            "home_url": face.home_url,
            "home_label": face.home_label,
        }
    )


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler404``: the styled "not found" page; the exception's text is never shown."""
    return HttpResponseNotFound(
        _render(
            request,
            404,
            "Page not found",
            "There is nothing at this address. It may have moved, or the link may be mistyped.",
        )
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: the styled "something went wrong" page, without the database."""
    return HttpResponseServerError(
        _render(
            request,
            500,
            "Something went wrong",
            "The server could not finish this request. It has been logged; try again shortly.",
        )
    )
