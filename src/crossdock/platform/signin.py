"""Sign-in forms that count failures and lock out, for the hub, the desk and the admin.

Failures are counted under two keys, each with its own limit (see
:mod:`crossdock.platform.throttle`): the login typed (whoever types it, wherever from) and
the client address (whatever login it tries). A locked key is refused before the password
is looked at, with the same message whether or not the login exists.
"""

from __future__ import annotations

import math
from typing import Any

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone

from crossdock.platform.throttle import (
    FailureLimit,
    clear,
    count_failure,
    seconds_locked,
    throttle_key,
)

#: Failures allowed for one login, from any address, before it is locked out.
LOGIN_LIMIT = 10
#: Failures allowed from one address, for any login, before it is locked out.
ADDRESS_LIMIT = 50


def client_address(request: HttpRequest | None) -> str:
    """The address the request came from (the proxy's, behind a reverse proxy)."""
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))


def lockout_message(whom: str, seconds: int) -> str:
    """The page's message for a lockout of ``seconds``, rounded up to whole minutes."""
    minutes = max(1, math.ceil(seconds / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return f"Too many failed sign-ins {whom}; try again in {minutes} {unit}."


class ThrottledSignInMixin:
    """Refuse a locked login or address; count a wrong password under both keys."""

    request: HttpRequest | None
    cleaned_data: dict[str, Any]

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password:
            return super().clean()  # type: ignore[misc,no-any-return]  # the form's own clean
        now = timezone.now()
        login = FailureLimit(throttle_key("sign-in-login", username.strip().lower()), LOGIN_LIMIT)
        address = FailureLimit(
            throttle_key("sign-in-address", client_address(self.request)), ADDRESS_LIMIT
        )
        for limit, whom in ((login, "for this account"), (address, "from this address")):
            seconds = seconds_locked((limit.key,), now)
            if seconds:
                raise ValidationError(lockout_message(whom, seconds), code="locked")
        try:
            cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]  # the form's own clean
        except ValidationError as error:
            if error.code == "invalid_login":
                count_failure((login, address), now)
            raise
        clear(login.key)
        return cleaned


class ThrottledAuthenticationForm(ThrottledSignInMixin, AuthenticationForm):
    """Django's sign-in form with lockouts; the hub and the desk narrow who may pass."""


class ThrottledAdminAuthenticationForm(ThrottledSignInMixin, AdminAuthenticationForm):
    """The admin's sign-in form (staff only) with the same lockouts."""
