"""Staff admin for fulfillments and their write-backs."""

from __future__ import annotations

from django.contrib import admin

from crossdock.hub.fulfillment.models import Fulfillment, FulfillmentLine, WriteBack


class FulfillmentLineInline(admin.TabularInline[FulfillmentLine, Fulfillment]):
    model = FulfillmentLine
    extra = 0


class WriteBackInline(admin.TabularInline[WriteBack, Fulfillment]):
    model = WriteBack
    extra = 0
    readonly_fields = ("state", "attempts", "next_attempt_at", "last_error", "external_id")


@admin.register(Fulfillment)
class FulfillmentAdmin(admin.ModelAdmin[Fulfillment]):
    list_display = ("order", "carrier", "service", "tracking_number", "ship_date", "source")
    list_filter = ("source", "account")
    search_fields = ("tracking_number", "order__number")
    inlines = [FulfillmentLineInline, WriteBackInline]
