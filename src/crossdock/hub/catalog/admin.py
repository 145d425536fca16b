"""Staff admin for the catalog: read-mostly views of products, levels, the ledger and listings.

Stock changes go through the services (the ledger must stay whole), so levels, movements,
pushes and drift records are read-only here.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from crossdock.hub.catalog.models import (
    DriftRecord,
    InventorySource,
    KitComponent,
    Listing,
    Product,
    StockLevel,
    StockMovement,
    StockPush,
)


class KitComponentInline(admin.TabularInline[KitComponent, Product]):
    model = KitComponent
    fk_name = "kit"
    extra = 0


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin[Product]):
    list_display = ("sku", "name", "is_kit", "bin_location", "low_stock_threshold", "account")
    list_filter = ("is_kit", "account")
    search_fields = ("sku", "name", "barcode")
    inlines = (KitComponentInline,)


@admin.register(InventorySource)
class InventorySourceAdmin(admin.ModelAdmin[InventorySource]):
    list_display = ("name", "kind", "channel", "is_active", "account")
    list_filter = ("kind", "account")


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin[Listing]):
    list_display = ("sku", "channel", "product", "status", "quantity_pushed", "quantity_read")
    list_filter = ("status", "channel")
    search_fields = ("sku", "external_id", "title")


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(StockLevel)
class StockLevelAdmin(_ReadOnly, admin.ModelAdmin[StockLevel]):
    list_display = ("product", "source", "on_hand", "reserved", "updated_at")
    list_filter = ("source",)


@admin.register(StockMovement)
class StockMovementAdmin(_ReadOnly, admin.ModelAdmin[StockMovement]):
    list_display = ("created_at", "kind", "product", "source", "on_hand_delta", "reserved_delta")
    list_filter = ("kind", "source")
    search_fields = ("product__sku", "order_number", "reason")


@admin.register(StockPush)
class StockPushAdmin(_ReadOnly, admin.ModelAdmin[StockPush]):
    list_display = ("listing", "channel", "state", "generation", "pushed_generation", "attempts")
    list_filter = ("state", "channel")


@admin.register(DriftRecord)
class DriftRecordAdmin(_ReadOnly, admin.ModelAdmin[DriftRecord]):
    list_display = ("detected_at", "channel", "sku", "expected", "found", "action")
    list_filter = ("action", "channel")
