"""Staff admin for accounts, memberships and API tokens (hashes are never shown)."""

from __future__ import annotations

from django.contrib import admin

from crossdock.hub.accounts.models import Account, ApiToken, Membership


class MembershipInline(admin.TabularInline[Membership, Account]):
    model = Membership
    extra = 0


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin[Account]):
    list_display = ("name", "created_at")
    search_fields = ("name",)
    inlines = [MembershipInline]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ("name", "prefix", "account", "created_at", "last_used_at", "revoked_at")
    list_filter = ("account",)
    exclude = ("secret_hash",)
    readonly_fields = ("prefix", "created_at", "last_used_at")
