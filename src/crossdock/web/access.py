"""Who is asking: the signed-in user's account and actor, resolved once per view.

Every hub page works inside one merchant account. :func:`account_view` turns a view that
takes ``(request, account, ...)`` into a plain Django view: anonymous visitors go to the
sign-in page, users without an account get a 403 page, everyone else gets their account.
:class:`HubSignInForm` lets in only logins that belong to a merchant account.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from crossdock.core.actors import Actor, ActorKind
from crossdock.hub.accounts.models import Account
from crossdock.hub.accounts.queries import account_for_user
from crossdock.platform.signin import ThrottledAuthenticationForm

P = ParamSpec("P")


def account_view(
    view: Callable[Concatenate[HttpRequest, Account, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Resolve the signed-in user's account and pass it to ``view``."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        account = account_for_user(request.user)
        if account is None:
            return render(request, "web/no_account.html", status=403)
        return view(request, account, *args, **kwargs)

    return wrapper


class HubSignInForm(ThrottledAuthenticationForm):
    """The hub's sign-in: lockouts, and only logins with a merchant account may pass."""

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        if account_for_user(user) is None:
            raise ValidationError(
                "This login has no Crossdock hub account. Shipping desk logins sign in at "
                "/desk/login/.",
                code="no_account",
            )


def actor_of(request: HttpRequest) -> Actor:
    """The actor recorded on order events for a change made by the signed-in user."""
    return Actor(ActorKind.USER, request.user.get_username())


def public_base_url(request: HttpRequest) -> str:
    """``CROSSDOCK_PUBLIC_URL`` when set, else the scheme and host this request came to."""
    public: str = settings.PUBLIC_URL
    return public or f"{request.scheme}://{request.get_host()}"
