"""The team page: who has a seat in the desk account; add a user, remove a seat."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from crossdock.desk.accounts import queries, services
from crossdock.desk.accounts.errors import DeskAccountNotFound, DeskSeatRefused, DeskUserInvalid
from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.web.access import desk_view
from crossdock.desk.web.forms import AddUserForm, add_service_errors


@desk_view
def team(request: HttpRequest, account: DeskAccount) -> HttpResponse:
    form = AddUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            seat = services.add_user(account, **form.cleaned_data)
        except DeskUserInvalid as error:
            add_service_errors(form, error.errors)
        else:
            messages.success(request, f"{seat.user.get_username()} can now sign in to the desk.")
            return redirect("desk_team")
    return render(
        request,
        "desk/team/team.html",
        {"section": "team", "seats": queries.seats(account), "form": form},
    )


@require_POST
@desk_view
def remove(request: HttpRequest, account: DeskAccount, seat_id: int) -> HttpResponse:
    try:
        services.remove_seat(account, seat_id, acting_user_id=request.user.pk)
    except (DeskSeatRefused, DeskAccountNotFound) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The seat was removed; that user can no longer use the desk.")
    return redirect("desk_team")
