"""Staff admin for channels, sync runs, carrier mappings and write-backs (secrets never shown)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from crossdock.core.display import plural
from crossdock.hub.channels.errors import ChannelConflict
from crossdock.hub.channels.models import CarrierMapping, Channel, SyncRun
from crossdock.hub.fulfillment.models import WriteBack
from crossdock.hub.fulfillment.writeback import replay_write_back


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


@admin.register(WriteBack)
class WriteBackAdmin(admin.ModelAdmin[WriteBack]):
    """The outbox across channels; failed rows are replayed with the action."""

    list_display = ("pk", "channel", "fulfillment", "state", "attempts", "next_attempt_at")
    list_filter = ("state", "channel__kind", "account")
    readonly_fields = [field.name for field in WriteBack._meta.fields]
    actions = ["replay"]

    @admin.action(description="Replay the selected dead or rejected write-backs")
    def replay(self, request: HttpRequest, queryset: QuerySet[WriteBack]) -> None:
        replayed = 0
        for row in queryset.select_related("account"):
            try:
                replay_write_back(row.account, row.pk)
            except ChannelConflict as error:
                self.message_user(request, str(error), level=messages.WARNING)
            else:
                replayed += 1
        self.message_user(request, f"{plural(replayed, 'write-back')} queued again.")
