"""Who may use the desk UI: a signed-in user with a desk seat.

The desk's session is its own (``crossdock.platform.sessions``): being signed in to the hub
does not sign anyone in here, and :class:`DeskSignInForm` lets in only logins with a seat.
"""

from __future__ import annotations

from crossdock.desk.accounts.queries import account_for_user
from crossdock.platform.access import SeatSignInForm, account_required

#: Require a desk login; pass the user's desk account as the view's second argument.
desk_view = account_required(
    account_for_user, login_url="/desk/login/", no_account="desk/no_account.html"
)


class DeskSignInForm(SeatSignInForm):
    """The desk's sign-in: lockouts, and only logins with a desk seat may pass."""

    account_for_user = staticmethod(account_for_user)
    no_seat_message = "This login has no seat in a shipping desk account."
    no_seat_code = "no_seat"
