"""Account settings: the account's users, its REST API tokens, and one's own password."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from crossdock.hub.accounts import queries, services
from crossdock.hub.accounts.errors import AccountExists, AccountInvalid, InvalidToken
from crossdock.hub.accounts.models import Account, ApiToken
from crossdock.platform.accounts import IssuedToken
from crossdock.platform.passwords import password_page
from crossdock.web.access import account_view
from crossdock.web.forms.settings import AddUserForm, TokenForm


def _page(
    request: HttpRequest,
    account: Account,
    *,
    user_form: AddUserForm | None = None,
    token_form: TokenForm | None = None,
    issued: IssuedToken[ApiToken] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "section": "settings",
        "account": account,
        "members": queries.members(account).order_by("created_at", "pk"),
        "tokens": queries.tokens(account),
        "user_form": user_form or AddUserForm(),
        "token_form": token_form or TokenForm(),
        "issued": issued,
        "token_scheme": services.TOKEN_SCHEME,
    }
    return render(request, "web/settings.html", context, status=status)


@account_view
def settings_page(request: HttpRequest, account: Account) -> HttpResponse:
    return _page(request, account)


@require_POST
@account_view
def add_user(request: HttpRequest, account: Account) -> HttpResponse:
    form = AddUserForm(request.POST)
    if form.is_valid():
        try:
            services.add_user(account, form.cleaned_data["email"], form.cleaned_data["password"])
        except AccountExists:
            form.add_error("email", "A user with this e-mail exists already.")
        except AccountInvalid as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{form.cleaned_data['email']} can now sign in.")
            return redirect("settings")
    return _page(request, account, user_form=form, status=400)


@require_POST
@account_view
def create_token(request: HttpRequest, account: Account) -> HttpResponse:
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, account, token_form=form, status=400)
    issued = services.create_token(account, form.cleaned_data["name"])
    # Rendered straight into this answer: the secret is never stored, so it is shown once.
    response = _page(request, account, issued=issued)
    add_never_cache_headers(response)
    return response


@require_POST
@account_view
def revoke_token(request: HttpRequest, account: Account, token_id: int) -> HttpResponse:
    try:
        services.revoke_token(account, token_id)
    except InvalidToken:
        messages.error(request, "That token is unknown or already revoked.")
    else:
        messages.success(request, "Token revoked; it stops working at once.")
    return redirect("settings")


@account_view
def change_password(request: HttpRequest, account: Account) -> HttpResponse:
    """Change the signed-in user's password; the current one confirms it's them."""
    return password_page(request, "web/password.html", "settings", "settings")
