"""Who is asking: the signed-in user's account and actor, resolved once per view.

Every hub page works inside one merchant account. :func:`account_view` turns a view that
takes ``(request, account, ...)`` into a plain Django view: anonymous visitors go to the
sign-in page, users without an account get a 403 page, everyone else gets their account.
:class:`HubSignInForm` lets in only logins that belong to a merchant account.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from crossdock.core.actors import Actor, ActorKind
from crossdock.hub.accounts.queries import account_for_user
from crossdock.platform.access import SeatSignInForm, account_required

#: Resolve the signed-in user's merchant account and pass it to the view.
account_view = account_required(account_for_user, login_url=None, no_account="web/no_account.html")


class HubSignInForm(SeatSignInForm):
    """The hub's sign-in: lockouts, and only logins with a merchant account may pass."""

    account_for_user = staticmethod(account_for_user)
    no_seat_message = (
        "This login has no Crossdock hub account. Shipping desk logins sign in at /desk/login/."
    )


def actor_of(request: HttpRequest) -> Actor:
    """The actor recorded on order events for a change made by the signed-in user."""
    return Actor(ActorKind.USER, request.user.get_username())


def public_base_url(request: HttpRequest) -> str:
    """``CROSSDOCK_PUBLIC_URL`` when set, else the scheme and host this request came to."""
    public: str = settings.PUBLIC_URL
    return public or f"{request.scheme}://{request.get_host()}"
