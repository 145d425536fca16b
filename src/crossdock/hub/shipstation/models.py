"""ShipStation integrations, their paging runs and export skips."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.models import Channel
from crossdock.hub.orders.models import Order

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 100


class CustomFieldSource(models.TextChoices):
    """What fills one of ShipStation's ``CustomField1..3``."""

    NOTHING = "none", "Nothing"
    COUPON_CODES = "coupon_codes", "Coupon codes"
    CHANNEL = "channel", "Channel name"
    MARKETPLACE_ORDER_ID = "marketplace_order_id", "Marketplace order id"
    CHANNEL_ORDER_ID = "channel_order_id", "The channel's own order id"
    PAYMENT_METHOD = "payment_method", "Payment method"


class WeightUnitsChoice(models.TextChoices):
    """The unit item weights are sent in; as recorded sends kilograms as grams."""

    AS_RECORDED = "as_recorded", "As recorded"
    GRAMS = "grams", "Grams"
    OUNCES = "ounces", "Ounces"
    POUNDS = "pounds", "Pounds"


class KitLines(models.TextChoices):
    """How a kit (a catalog product with a recipe) goes out in the export."""

    PARENT = "parent", "The kit as one line"
    COMPONENTS = "components", "Its components"
    BOTH = "both", "The kit and its components"


class ShipStationIntegration(models.Model):
    """One ShipStation store connected to an account through the Custom Store endpoint.

    ShipStation signs in with ``username`` and a generated password of which only a keyed
    hash is kept. The options decide which orders are exported and how.
    """

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="shipstation_integrations"
    )
    name = models.CharField(max_length=100)
    username = models.CharField(max_length=64, unique=True)
    password_hash = models.CharField(max_length=64)
    #: Export only these channels' orders; none selected means every channel.
    channels = models.ManyToManyField(Channel, blank=True, related_name="+")
    #: Leave out orders a marketplace or third party fulfils (e.g. FBA).
    exclude_external_fulfillment = models.BooleanField(default=True)
    send_internal_notes = models.BooleanField(default=True)
    #: Send every line in full even after part of it shipped (default: what is left to ship).
    send_full_quantities = models.BooleanField(default=False)
    #: A kit line goes out as the kit, its components, or both (see ``export.kit_items``).
    kit_lines = models.CharField(max_length=12, choices=KitLines.choices, default=KitLines.PARENT)
    page_size = models.PositiveSmallIntegerField(
        default=DEFAULT_PAGE_SIZE,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PAGE_SIZE)],
    )
    weight_units = models.CharField(
        max_length=12, choices=WeightUnitsChoice.choices, default=WeightUnitsChoice.AS_RECORDED
    )
    custom_field1 = models.CharField(
        max_length=30, choices=CustomFieldSource.choices, default=CustomFieldSource.NOTHING
    )
    custom_field2 = models.CharField(
        max_length=30, choices=CustomFieldSource.choices, default=CustomFieldSource.NOTHING
    )
    custom_field3 = models.CharField(
        max_length=30, choices=CustomFieldSource.choices, default=CustomFieldSource.NOTHING
    )
    #: Write shipments ShipStation reports back to the order's channel.
    write_back = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    password_changed_at = models.DateTimeField()
    #: The password before the last rotation keeps working until this moment, so a
    #: rotation does not cut a live connection before the new one is pasted.
    previous_password_hash = models.CharField(max_length=64, blank=True, default="")
    previous_password_expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    #: Last authenticated call (touched at most once a minute).
    last_request_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["account", "created_at", "id"]
        verbose_name = "ShipStation integration"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(page_size__gte=1, page_size__lte=MAX_PAGE_SIZE),
                name="shipstation_page_size_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.username})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ExportRun(models.Model):
    """ShipStation paging through one window: the page count and where each page ended.

    Page ``k`` starts after the ``(modified_at, id)`` key that ended page ``k - 1``, so an
    order edited while ShipStation pages (its key moves past every boundary) never shifts
    another order onto a page already served. Each page's end is one
    :class:`ExportBoundary` row, so recording it costs the same on page 5 as on page 5,000.
    """

    integration = models.ForeignKey(
        ShipStationIntegration, on_delete=models.CASCADE, related_name="export_runs"
    )
    start_date = models.DateTimeField()
    end_date = models.DateTimeField()
    page_size = models.PositiveSmallIntegerField()
    pages = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "start_date", "end_date"], name="export_run_window"
            )
        ]

    def __str__(self) -> str:
        return f"export {self.start_date:%Y-%m-%d %H:%M} – {self.end_date:%Y-%m-%d %H:%M}"


class ExportBoundary(models.Model):
    """The key of the last order page ``page`` of a run served: page ``page + 1`` follows it."""

    run = models.ForeignKey(ExportRun, on_delete=models.CASCADE, related_name="boundaries")
    page = models.PositiveIntegerField()
    modified_at = models.DateTimeField()
    order_id = models.BigIntegerField()

    class Meta:
        ordering = ["run", "page"]
        constraints = [models.UniqueConstraint(fields=["run", "page"], name="export_boundary_page")]

    def __str__(self) -> str:
        return f"page {self.page} ends at order {self.order_id}"


class ExportSkip(models.Model):
    """An order left out of exports because ShipStation could not import it, and why."""

    integration = models.ForeignKey(
        ShipStationIntegration, on_delete=models.CASCADE, related_name="skips"
    )
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=500)
    skipped_at = models.DateTimeField()

    class Meta:
        ordering = ["-skipped_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["integration", "order"], name="export_skip_order")
        ]

    def __str__(self) -> str:
        return f"order {self.order_id}: {self.reason}"
