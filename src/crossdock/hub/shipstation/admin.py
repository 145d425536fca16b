"""Staff admin for ShipStation integrations and the orders left out of their exports.

The password hash is never shown; rotating and revoking go through the services (API,
CLI, UI) so the clear password is only ever seen by the merchant who asked for it.
"""

from __future__ import annotations

from django.contrib import admin

from crossdock.hub.shipstation.models import ExportRun, ExportSkip, ShipStationIntegration


class ExportSkipInline(admin.TabularInline[ExportSkip, ShipStationIntegration]):
    model = ExportSkip
    extra = 0
    fields = ("order", "reason", "skipped_at")
    readonly_fields = ("order", "reason", "skipped_at")
    can_delete = False
    max_num = 0


@admin.register(ShipStationIntegration)
class ShipStationIntegrationAdmin(admin.ModelAdmin[ShipStationIntegration]):
    list_display = ("name", "account", "username", "page_size", "write_back", "revoked_at")
    list_filter = ("account", "write_back")
    search_fields = ("name", "username", "account__name")
    exclude = ("password_hash",)
    readonly_fields = (
        "username",
        "created_at",
        "password_changed_at",
        "revoked_at",
        "last_request_at",
    )
    inlines = [ExportSkipInline]


@admin.register(ExportSkip)
class ExportSkipAdmin(admin.ModelAdmin[ExportSkip]):
    """Orders ShipStation could not import (no ship-to, no country, nothing to ship)."""

    list_display = ("order", "integration", "reason", "skipped_at")
    list_filter = ("integration",)
    search_fields = ("order__number", "reason")
    readonly_fields = ("integration", "order", "reason", "skipped_at")


@admin.register(ExportRun)
class ExportRunAdmin(admin.ModelAdmin[ExportRun]):
    list_display = ("integration", "start_date", "end_date", "pages", "page_size", "started_at")
    list_filter = ("integration",)
    readonly_fields = (
        "integration",
        "start_date",
        "end_date",
        "page_size",
        "pages",
        "started_at",
    )
