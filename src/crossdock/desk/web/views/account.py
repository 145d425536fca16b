"""The signed-in desk user's own login: change the password."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.web.access import desk_view
from crossdock.platform.passwords import change_password as save_password
from crossdock.platform.passwords import password_change_form


@desk_view
def change_password(request: HttpRequest, account: DeskAccount) -> HttpResponse:
    """Change the signed-in user's password; the current one confirms it's them."""
    form = password_change_form(request)
    if form.is_valid():
        save_password(request, form)
        messages.success(request, "Password changed. Other sessions of this login are signed out.")
        return redirect("desk_password")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "desk/password.html", {"section": "password", "form": form}, status=status
    )
