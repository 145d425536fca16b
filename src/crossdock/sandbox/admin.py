"""Staff admin for the sandbox marketplace (the token hash stays hidden)."""

from __future__ import annotations

from django.contrib import admin

from crossdock.sandbox.models import SandboxOrder, SandboxShipment, SandboxShop


@admin.register(SandboxShop)
class SandboxShopAdmin(admin.ModelAdmin[SandboxShop]):
    list_display = ("name", "code", "error_rate", "rate_limit_rate", "request_count")
    exclude = ("token_hash",)


@admin.register(SandboxOrder)
class SandboxOrderAdmin(admin.ModelAdmin[SandboxOrder]):
    list_display = ("number", "shop", "status", "updated_at")
    list_filter = ("shop", "status")


@admin.register(SandboxShipment)
class SandboxShipmentAdmin(admin.ModelAdmin[SandboxShipment]):
    list_display = ("public_id", "order", "carrier", "service", "tracking_number", "received_at")
    list_filter = ("shop", "carrier")
