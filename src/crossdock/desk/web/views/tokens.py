"""The API tokens page: the account's desk API tokens; create one (shown once), revoke one.

Revoking asks to confirm first (a page of its own, then a POST); the secret of a new token is
rendered into the answer of the POST that made it and never stored, so a reload cannot show
it again.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers

from crossdock.desk.accounts import queries, services
from crossdock.desk.accounts.errors import InvalidDeskToken
from crossdock.desk.accounts.models import DeskAccount, DeskApiToken
from crossdock.desk.web.access import desk_view
from crossdock.desk.web.forms import TokenForm
from crossdock.platform.accounts import IssuedToken


def _page(
    request: HttpRequest,
    account: DeskAccount,
    form: TokenForm,
    issued: IssuedToken[DeskApiToken] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "section": "tokens",
        "tokens": queries.tokens(account),
        "form": form,
        "issued": issued,
        "token_scheme": services.TOKEN_SCHEME,
    }
    return render(request, "desk/team/tokens.html", context, status=status)


@desk_view
def tokens(request: HttpRequest, account: DeskAccount) -> HttpResponse:
    if request.method != "POST":
        return _page(request, account, TokenForm())
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, account, form, status=400)
    issued = services.create_token(account, form.cleaned_data["name"])
    response = _page(request, account, TokenForm(), issued=issued)
    add_never_cache_headers(response)
    return response


@desk_view
def revoke(request: HttpRequest, account: DeskAccount, token_id: int) -> HttpResponse:
    token = queries.token(account, token_id)
    if token is None:
        raise Http404("no such token")
    if request.method != "POST":
        return render(
            request,
            "desk/team/revoke_token.html",
            {"section": "tokens", "token": token, "token_scheme": services.TOKEN_SCHEME},
        )
    try:
        services.revoke_token(account, token.pk)
    except InvalidDeskToken:
        messages.info(request, f"Token “{token.name}” was already revoked.")
    else:
        messages.success(request, f"Token “{token.name}” revoked; it stops working at once.")
    return redirect("desk_tokens")
