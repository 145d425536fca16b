"""Who may use the desk UI: a signed-in user with a desk seat.

The desk's session is its own (``crossdock.platform.sessions``): being signed in to the hub
does not sign anyone in here, and :class:`DeskSignInForm` lets in only logins with a seat.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.accounts.queries import account_for_user
from crossdock.platform.signin import ThrottledAuthenticationForm

DeskView = Callable[..., HttpResponse]


def desk_view(view: Callable[..., HttpResponse]) -> DeskView:
    """Require a desk login; pass the user's desk account as the view's second argument."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), login_url="/desk/login/")
        account: DeskAccount | None = account_for_user(request.user)
        if account is None:
            return render(request, "desk/no_account.html", status=403)
        return view(request, account, *args, **kwargs)

    return wrapper


class DeskSignInForm(ThrottledAuthenticationForm):
    """The desk's sign-in: lockouts, and only logins with a desk seat may pass."""

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        if account_for_user(user) is None:
            raise ValidationError(
                "This login has no seat in a shipping desk account.", code="no_seat"
            )
