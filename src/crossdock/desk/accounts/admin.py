"""Staff admin for desk accounts, seats and API tokens (token hashes are never shown)."""

from __future__ import annotations

from django.contrib import admin

from crossdock.bearer import BearerTokenAdmin
from crossdock.desk.accounts.models import DeskAccount, DeskApiToken, DeskMembership

admin.site.register(DeskAccount)
admin.site.register(DeskMembership)


admin.site.register(DeskApiToken, BearerTokenAdmin)
