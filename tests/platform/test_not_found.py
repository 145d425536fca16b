"""A service's NotFound escaping a web view is the 404 page; other errors pass through."""

from __future__ import annotations

import pytest
from django.http import Http404, HttpRequest, HttpResponse
from django.test import RequestFactory

from crossdock.desk.stores.errors import StoreNotFound
from crossdock.hub.channels.errors import ChannelConflict
from crossdock.hub.orders.errors import OrderNotFound
from crossdock.platform.not_found import NotFoundPageMiddleware


def _middleware() -> NotFoundPageMiddleware:
    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok")

    return NotFoundPageMiddleware(view)


@pytest.mark.parametrize("error", [OrderNotFound("no order 7"), StoreNotFound("no store 3")])
def test_a_not_found_of_either_product_becomes_http_404_with_its_message(
    error: Exception,
) -> None:
    request = RequestFactory().get("/orders/7/")

    with pytest.raises(Http404) as raised:
        _middleware().process_exception(request, error)

    assert str(raised.value) == str(error)
    assert raised.value.__cause__ is error


def test_any_other_error_is_left_to_django() -> None:
    request = RequestFactory().post("/channels/1/sync/")

    assert _middleware().process_exception(request, ChannelConflict("not active")) is None
