"""Staff admin for accounts, memberships and API tokens (hashes are never shown)."""

from __future__ import annotations

from django.contrib import admin

from crossdock.bearer import BearerTokenAdmin
from crossdock.hub.accounts.models import Account, ApiToken, Membership


class MembershipInline(admin.TabularInline[Membership, Account]):
    model = Membership
    extra = 0


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin[Account]):
    list_display = ("name", "created_at")
    search_fields = ("name",)
    inlines = [MembershipInline]


admin.site.register(ApiToken, BearerTokenAdmin)
