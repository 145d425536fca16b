"""Staff admin for fulfillments and the write-back outbox (failed rows replay from here)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from crossdock.core.display import plural
from crossdock.hub.channels.errors import ChannelConflict
from crossdock.hub.fulfillment.models import Fulfillment, FulfillmentLine, WriteBack
from crossdock.hub.fulfillment.tasks import replay_write_back


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
