"""The one error vocabulary: every app error is one kind, and keeps its message."""

from __future__ import annotations

import pytest

from crossdock.core.errors import Conflict, CrossdockError, Invalid, NotFound, RateLimited
from crossdock.desk.accounts.errors import DeskAccountExists, InvalidDeskToken
from crossdock.desk.shipments.errors import ShipmentInvalid, ShipmentNotFound, ShipmentStateError
from crossdock.desk.stores.errors import (
    ImportAlreadyRunning,
    StoreCallsBusy,
    StoreConnectionFailed,
    StoreInvalid,
    StoreLimitReached,
    StoreNotFound,
)
from crossdock.hub.accounts.errors import AccountExists, AccountInvalid, AccountNotFound
from crossdock.hub.channels.errors import ChannelConflict, ChannelNotFound, ChannelValidationError
from crossdock.hub.fulfillment.errors import FulfillmentValidationError
from crossdock.hub.orders.errors import (
    OrderExists,
    OrderNotFound,
    OrderStateError,
    OrderValidationError,
)
from crossdock.hub.shipstation.errors import ClientLocked, IntegrationNotFound


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (OrderNotFound, NotFound),
        (ChannelNotFound, NotFound),
        (IntegrationNotFound, NotFound),
        (AccountNotFound, NotFound),
        (StoreNotFound, NotFound),
        (ShipmentNotFound, NotFound),
        (InvalidDeskToken, NotFound),
        (OrderExists, Conflict),
        (OrderStateError, Conflict),
        (ChannelConflict, Conflict),
        (AccountExists, Conflict),
        (DeskAccountExists, Conflict),
        (ShipmentStateError, Conflict),
        (StoreLimitReached, Conflict),
        (ImportAlreadyRunning, Conflict),
        (ClientLocked, RateLimited),
        (StoreCallsBusy, RateLimited),
    ],
)
def test_every_app_error_is_one_kind_of_crossdock_error(
    error: type[CrossdockError], kind: type[CrossdockError]
) -> None:
    assert issubclass(error, kind)
    assert issubclass(error, CrossdockError)


def test_a_one_field_error_lists_its_field_and_reads_as_before() -> None:
    # given a field error of each hub app
    errors = [
        OrderValidationError("ship_to.country", "no country 'XX'"),
        ChannelValidationError("kind", "no connector named 'x'"),
        FulfillmentValidationError("lines.0.quantity", "must be positive"),
    ]

    # then each is Invalid with one (field, message) pair and its old message
    assert [(e.field_errors, str(e)) for e in errors] == [
        ((("ship_to.country", "no country 'XX'"),), "ship_to.country: no country 'XX'"),
        ((("kind", "no connector named 'x'"),), "kind: no connector named 'x'"),
        ((("lines.0.quantity", "must be positive"),), "lines.0.quantity: must be positive"),
    ]


def test_a_many_field_error_lists_every_field_in_order() -> None:
    error = StoreInvalid({"name": "required", "url": "not a URL"})

    assert isinstance(error, Invalid)
    assert error.field_errors == (("name", "required"), ("url", "not a URL"))
    assert str(error) == "name: required; url: not a URL"
    assert ShipmentInvalid({"weight": "too heavy"}).field_errors == (("weight", "too heavy"),)


def test_a_failed_connection_names_its_field_but_reads_as_its_message() -> None:
    error = StoreConnectionFailed("the store answered 401", field="password")

    assert (error.field_errors, str(error)) == (
        (("password", "the store answered 401"),),
        "the store answered 401",
    )


def test_an_error_without_a_field_is_invalid_with_no_field_errors() -> None:
    error = AccountInvalid("an account name must be 1 to 100 characters")

    assert (error.field_errors, str(error)) == ((), "an account name must be 1 to 100 characters")


def test_rate_limits_carry_their_wait() -> None:
    assert (ClientLocked(30).retry_after, str(ClientLocked(30))) == (
        30,
        "too many failed sign-ins; retry in 30 s",
    )
    assert StoreCallsBusy("busy", 5).retry_after == 5
