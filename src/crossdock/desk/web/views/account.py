"""The signed-in desk user's own login: change the password."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.web.access import desk_view
from crossdock.platform.passwords import password_page


@desk_view
def change_password(request: HttpRequest, account: DeskAccount) -> HttpResponse:
    """Change the signed-in user's password; the current one confirms it's them."""
    return password_page(request, "desk/password.html", "password", "desk_password")
