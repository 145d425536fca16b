"""Staff admin for orders: lines, discounts and the (read-only) event trail inline."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from crossdock.hub.orders.models import CustomStatus, Order, OrderDiscount, OrderEvent, OrderLine


class OrderLineInline(admin.TabularInline[OrderLine, Order]):
    model = OrderLine
    extra = 0


class OrderDiscountInline(admin.TabularInline[OrderDiscount, Order]):
    model = OrderDiscount
    extra = 0


class OrderEventInline(admin.TabularInline[OrderEvent, Order]):
    model = OrderEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "actor", "kind", "message", "data")

    def has_add_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin[Order]):
    list_display = ("number", "account", "channel", "status", "custom_status", "modified_at")
    list_filter = ("status", "account", "channel")
    search_fields = ("number", "customer_name", "customer_email", "lines__sku")
    readonly_fields = ("modified_at", "created_at", "updated_at", "payload_digest")
    inlines = [OrderLineInline, OrderDiscountInline, OrderEventInline]


@admin.register(CustomStatus)
class CustomStatusAdmin(admin.ModelAdmin[CustomStatus]):
    list_display = ("name", "status", "account")
    list_filter = ("account",)
