"""``/desk/api/v1/tokens``: list the desk account's API tokens and revoke one.

Tokens are created with ``crossdock desk token create`` or on the desk's API tokens page;
only the public prefix of a token is ever shown again, never its secret or hash.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from crossdock.desk.accounts import queries, services
from crossdock.desk.accounts.models import DeskApiToken
from crossdock.desk.api.auth import caller

router = Router(tags=["tokens"])


class TokenOut(Schema):
    id: int
    name: str
    #: The public start of the token (``dsk_<prefix>_…``): enough to recognise it.
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    active: bool


def token_out(token: DeskApiToken) -> TokenOut:
    return TokenOut(
        id=token.pk,
        name=token.name,
        prefix=f"{services.TOKEN_SCHEME}_{token.prefix}_",
        created_at=token.created_at,
        last_used_at=token.last_used_at,
        revoked_at=token.revoked_at,
        active=token.is_active,
    )


@router.get("", response=list[TokenOut], summary="List the desk account's API tokens")
def list_tokens(request: HttpRequest) -> list[TokenOut]:
    return [token_out(token) for token in queries.tokens(caller(request).account)]


@router.post(
    "/{token_id}/revoke",
    response=TokenOut,
    summary="Revoke a token: it stops working at once (404 if unknown or already revoked)",
)
def revoke_token(request: HttpRequest, token_id: int) -> TokenOut:
    return token_out(services.revoke_token(caller(request).account, token_id))
