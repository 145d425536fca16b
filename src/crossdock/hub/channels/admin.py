"""Staff admin for channels, sync runs and carrier mappings (secrets never shown)."""

from __future__ import annotations

from django.contrib import admin

from crossdock.hub.channels.models import CarrierMapping, Channel, SyncRun


class SyncRunInline(admin.TabularInline[SyncRun, Channel]):
    model = SyncRun
    extra = 0
    max_num = 0
    can_delete = False
    fields = ("kind", "outcome", "started_at", "duration_ms", "fetched", "created", "failed")
    readonly_fields = fields
    ordering = ("-started_at",)


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin[Channel]):
    list_display = ("name", "kind", "account", "is_active", "last_sync_at", "next_sync_at")
    list_filter = ("kind", "account", "is_active")
    # The ciphertext is not editable and never rendered; leases are the engine's business.
    exclude = ("secrets_ciphertext", "sync_lease_until", "sync_lease_owner")
    readonly_fields = ("order_cursor", "last_sync_at", "last_success_at", "last_error")
    inlines = [SyncRunInline]


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin[SyncRun]):
    list_display = (
        "channel",
        "kind",
        "outcome",
        "started_at",
        "duration_ms",
        "fetched",
        "created",
        "updated",
        "unchanged",
        "cancelled",
        "failed",
    )
    list_filter = ("kind", "outcome", "account")
    readonly_fields = [field.name for field in SyncRun._meta.fields]


@admin.register(CarrierMapping)
class CarrierMappingAdmin(admin.ModelAdmin[CarrierMapping]):
    list_display = (
        "channel_kind",
        "carrier",
        "service",
        "channel_carrier",
        "channel_service",
        "account",
    )
    list_filter = ("channel_kind", "account")
    search_fields = ("carrier", "channel_carrier")
