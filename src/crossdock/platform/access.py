"""Who may use a product's pages: a signed-in user with a seat in one of its accounts.

The hub and the desk each build their view decorator and sign-in form from these, with
their own account look-up (their own seats), sign-in page and "no account" page.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from crossdock.platform.signin import ThrottledAuthenticationForm

P = ParamSpec("P")
A = TypeVar("A")

AccountView = Callable[Concatenate[HttpRequest, A, P], HttpResponse]
PlainView = Callable[Concatenate[HttpRequest, P], HttpResponse]


def account_required(
    account_for_user: Callable[[Any], A | None], *, login_url: str | None, no_account: str
) -> Callable[[AccountView[A, P]], PlainView[P]]:
    """A decorator resolving the signed-in user's account and passing it to the view:
    anonymous visitors go to ``login_url``, users without an account get the 403 page
    ``no_account``."""

    def decorate(view: AccountView[A, P]) -> PlainView[P]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), login_url=login_url)
            account = account_for_user(request.user)
            if account is None:
                return render(request, no_account, status=403)
            return view(request, account, *args, **kwargs)

        return wrapper

    return decorate


class SeatSignInForm(ThrottledAuthenticationForm):
    """A product's sign-in: lockouts, and only logins with a seat in the product pass."""

    #: Set by each product: its account look-up, and what a login without a seat is told.
    account_for_user: Callable[[User], object | None]
    no_seat_message = ""
    no_seat_code = "no_account"

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        if type(self).account_for_user(user) is None:
            raise ValidationError(self.no_seat_message, code=self.no_seat_code)
