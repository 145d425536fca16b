"""Bearer-token authentication for the desk API: every request resolves to one desk account."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from ninja.security import HttpBearer

from crossdock.desk.accounts.errors import InvalidDeskToken
from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.accounts.services import authenticate_token


@dataclass(frozen=True, slots=True)
class DeskCaller:
    account: DeskAccount
    label: str


class DeskTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> DeskCaller | None:
        try:
            api_token = authenticate_token(token)
        except InvalidDeskToken:
            return None
        return DeskCaller(
            account=api_token.account, label=f"api:{api_token.name} ({api_token.prefix})"
        )


def caller(request: HttpRequest) -> DeskCaller:
    auth = getattr(request, "auth", None)
    if not isinstance(auth, DeskCaller):  # pragma: no cover - ninja runs auth before the view
        raise PermissionError("request is not authenticated")
    return auth
