"""Bearer-token authentication for the REST API: every request resolves to one account."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from ninja.security import HttpBearer

from crossdock.core.actors import Actor, ActorKind
from crossdock.hub.accounts.errors import InvalidToken
from crossdock.hub.accounts.models import Account
from crossdock.hub.accounts.services import authenticate_token


@dataclass(frozen=True, slots=True)
class ApiCaller:
    """The account a request acts for, and the actor recorded on what it changes."""

    account: Account
    actor: Actor


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiCaller | None:
        try:
            api_token = authenticate_token(token)
        except InvalidToken:
            return None
        return ApiCaller(
            account=api_token.account,
            actor=Actor(ActorKind.API_TOKEN, f"{api_token.name} ({api_token.prefix})"),
        )


def caller(request: HttpRequest) -> ApiCaller:
    """The authenticated caller of a request that passed :class:`TokenAuth`."""
    auth = getattr(request, "auth", None)
    if not isinstance(auth, ApiCaller):  # pragma: no cover - ninja runs auth before the view
        raise PermissionError("request is not authenticated")
    return auth
