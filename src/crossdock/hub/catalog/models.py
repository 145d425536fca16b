"""The catalog and its stock: products and kits, inventory sources, levels and the ledger,
listings on channels, per-channel rules, the coalesced push queue and the drift report.

Stock is kept per ``(product, source)`` in :class:`StockLevel`; every change to a level is
written with a :class:`StockMovement` in the same transaction (``services.py``), so the
levels can always be rebuilt from the ledger (``services.rebuild_levels``). Kits hold no
stock of their own: their quantity comes from their components (``core.stock``).

Orders are referenced by id and number only (the orders app sits above this one and
calls in; nothing here imports it).
"""

from __future__ import annotations

from django.db import models

from crossdock.core.stock import ListingStatus
from crossdock.core.weights import WeightUnit
from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.models import Channel

WEIGHT_UNIT_CHOICES = [(unit.value, unit.value) for unit in WeightUnit]


class DimensionUnit(models.TextChoices):
    INCH = "in", "in"
    CENTIMETRE = "cm", "cm"


class Product(models.Model):
    """One thing the merchant sells, under its master SKU (unique in the account).

    A product with components (:class:`KitComponent`) is a kit: ``is_kit`` is kept by the
    recipe service; a kit's stock is its components'.
    """

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="products")
    sku = models.CharField(max_length=100)
    name = models.CharField(max_length=200)
    is_kit = models.BooleanField(default=False)
    weight_value = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    weight_unit = models.CharField(
        max_length=2, choices=WEIGHT_UNIT_CHOICES, blank=True, default=""
    )
    length = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    width = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    height = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    dimension_unit = models.CharField(
        max_length=2, choices=DimensionUnit.choices, blank=True, default=""
    )
    #: Barcode (UPC, EAN, GTIN) as printed.
    barcode = models.CharField(max_length=64, blank=True, default="")
    image_url = models.URLField(max_length=500, blank=True, default="")
    #: The default bin location in the warehouse (ShipStation export uses it when the
    #: channel's line has none).
    bin_location = models.CharField(max_length=100, blank=True, default="")
    cost = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    tags = models.JSONField(default=list, blank=True)
    #: Available at or under this counts as low stock (``None``: never low).
    low_stock_threshold = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sku"]
        constraints = [
            models.UniqueConstraint(fields=["account", "sku"], name="product_account_sku"),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"


class KitComponent(models.Model):
    """One line of a kit's recipe: ``quantity`` of ``component`` per kit."""

    kit = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="components")
    component = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="used_in")
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["kit", "component__sku"]
        constraints = [
            models.UniqueConstraint(fields=["kit", "component"], name="kit_component_once"),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="kit_component_quantity_positive"
            ),
            models.CheckConstraint(
                condition=~models.Q(kit=models.F("component")), name="kit_component_not_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kit_id} needs {self.quantity} × {self.component_id}"


class InventorySource(models.Model):
    """A place stock is kept: an own warehouse, a 3PL, or a marketplace's fulfilment (FBA,
    WFS), whose stock is read from its ``channel`` and never pushed."""

    class Kind(models.TextChoices):
        WAREHOUSE = "warehouse", "Warehouse"
        THIRD_PARTY = "3pl", "Third-party logistics"
        MARKETPLACE = "marketplace", "Marketplace fulfilment"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="inventory_sources")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.WAREHOUSE)
    #: For marketplace fulfilment: the channel whose listings report this source's stock.
    channel = models.ForeignKey(
        Channel, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["account", "name"], name="inventory_source_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_pushed(self) -> bool:
        """Whether the hub pushes quantities computed from this source (not marketplace stock)."""
        return self.kind != self.Kind.MARKETPLACE


class ChannelSource(models.Model):
    """The ordered sources feeding one channel: available = the sum over them; an order
    reserves on the first that can fulfil it."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="stock_sources")
    source = models.ForeignKey(
        InventorySource, on_delete=models.CASCADE, related_name="channel_links"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["channel", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "source"], name="channel_source_once"),
        ]

    def __str__(self) -> str:
        return f"{self.channel_id} ← {self.source_id} ({self.position})"


class StockLevel(models.Model):
    """The current stock of one product at one source; changed only with a ledger row."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="stock_levels")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="levels")
    source = models.ForeignKey(InventorySource, on_delete=models.CASCADE, related_name="levels")
    on_hand = models.IntegerField(default=0)
    reserved = models.IntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["product", "source"]
        constraints = [
            models.UniqueConstraint(fields=["product", "source"], name="stock_level_once"),
            models.CheckConstraint(
                condition=models.Q(reserved__gte=0), name="stock_level_reserved_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.product_id}@{self.source_id}: {self.on_hand} on hand, {self.reserved} reserved"
        )

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class MovementKind(models.TextChoices):
    """Why stock moved. A new kind: add it here with its label, and the service writing it."""

    RECEIPT = "receipt", "Receipt"
    SALE = "sale", "Sale"
    RESERVATION = "reservation", "Reservation"
    RELEASE = "release", "Release"
    SHIPMENT = "shipment", "Shipment"
    ADJUSTMENT = "adjustment", "Adjustment"
    COUNT = "count", "Count"
    TRANSFER = "transfer", "Transfer"


class StockMovement(models.Model):
    """One ledger row: what changed on one product at one source, by whom and why.

    The ledger is append-only; the level's values after the movement are kept beside the
    deltas so a product's history reads without summing.
    """

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="movements")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="movements")
    source = models.ForeignKey(InventorySource, on_delete=models.CASCADE, related_name="movements")
    kind = models.CharField(max_length=20, choices=MovementKind.choices)
    on_hand_delta = models.IntegerField(default=0)
    reserved_delta = models.IntegerField(default=0)
    on_hand_after = models.IntegerField()
    reserved_after = models.IntegerField()
    #: Who: ``kind:label`` of a ``core.actors.Actor``.
    actor = models.CharField(max_length=150)
    reason = models.CharField(max_length=500, blank=True, default="")
    #: The hub order the movement belongs to (id and number; no foreign key by design).
    order_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    order_number = models.CharField(max_length=50, blank=True, default="")
    #: Both rows of one transfer share this reference.
    reference = models.CharField(max_length=40, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["product", "-created_at"], name="movement_product_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.on_hand_delta:+}/{self.reserved_delta:+} of {self.product_id}"


class OrderReservation(models.Model):
    """What one hub order holds reserved of one product at one source (its unshipped rest).

    Orders are referenced by id: the orders app calls the catalog, never the reverse.
    """

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="reservations")
    order_id = models.BigIntegerField()
    order_number = models.CharField(max_length=50, blank=True, default="")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reservations")
    source = models.ForeignKey(
        InventorySource, on_delete=models.CASCADE, related_name="reservations"
    )
    quantity = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order_id", "product", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["order_id", "product", "source"], name="order_reservation_once"
            ),
        ]

    def __str__(self) -> str:
        return f"order {self.order_id}: {self.quantity} × {self.product_id}@{self.source_id}"


class OrderShortage(models.Model):
    """Units of a product a paid order wants but could not reserve (not enough available).

    Kept by ``services.sync_order_stock``; when a product's available stock rises (a
    receipt, count, adjustment or transfer), its shortages are reserved again, oldest
    order first, in that same transaction.
    """

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="shortages")
    order_id = models.BigIntegerField()
    order_number = models.CharField(max_length=50, blank=True, default="")
    #: Whose sources may fill it (the order's channel).
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="shortages")
    quantity = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order_id", "product"]
        constraints = [
            models.UniqueConstraint(fields=["order_id", "product"], name="order_shortage_once"),
        ]
        indexes = [models.Index(fields=["product", "order_id"], name="shortage_by_product")]

    def __str__(self) -> str:
        return f"order {self.order_id}: {self.quantity} × {self.product_id} short"


class ChannelStock(models.Model):
    """A channel's stock state: whether the merchant chose which side wins on connecting,
    and when its listings were last read back."""

    class Winner(models.TextChoices):
        UNDECIDED = "", "Not decided"
        HUB = "hub", "Hub quantities win"
        CHANNEL = "channel", "Channel quantities win"

    channel = models.OneToOneField(Channel, on_delete=models.CASCADE, related_name="stock_state")
    #: Until decided, nothing is pushed to the channel.
    winner = models.CharField(max_length=10, choices=Winner.choices, blank=True, default="")
    decided_at = models.DateTimeField(null=True, blank=True)
    listings_pulled_at = models.DateTimeField(null=True, blank=True)
    reconciled_at = models.DateTimeField(null=True, blank=True)
    next_reconcile_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_error = models.TextField(blank=True, default="")

    def __str__(self) -> str:
        return f"{self.channel_id}: {self.winner or 'undecided'}"


class Listing(models.Model):
    """A product on a channel (or an unlinked one, ``product`` empty, for the merchant to link).

    ``status`` moves only through ``core.stock.transition``; ``status_reason`` says why an
    ``error`` happened.
    """

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="listings")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="listings")
    product = models.ForeignKey(
        Product, on_delete=models.SET_NULL, null=True, blank=True, related_name="listings"
    )
    sku = models.CharField(max_length=100)
    #: The channel's id of the listing's stock record.
    external_id = models.CharField(max_length=100)
    #: Other ids and values the channel reported (``price``, parent ids …).
    external_ids = models.JSONField(default=dict, blank=True)
    title = models.CharField(max_length=300, blank=True, default="")
    price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    quantity_pushed = models.IntegerField(null=True, blank=True)
    pushed_at = models.DateTimeField(null=True, blank=True)
    quantity_read = models.IntegerField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=20,
        choices=[(status.value, status.value.replace("_", " ")) for status in ListingStatus],
        default=ListingStatus.PENDING.value,
        db_index=True,
    )
    status_reason = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["channel", "sku", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"], name="listing_channel_external_id"
            ),
        ]
        indexes = [models.Index(fields=["channel", "sku"], name="listing_channel_sku")]

    def __str__(self) -> str:
        return f"{self.sku} on {self.channel_id}"


class StockRule(models.Model):
    """What a channel shows of the available quantity (``core.stock.Rule``); a row with a
    ``listing`` overrides its channel's rule for that listing. No row: show all available."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="stock_rules")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="stock_rules")
    listing = models.OneToOneField(
        Listing, on_delete=models.CASCADE, null=True, blank=True, related_name="rule"
    )
    percent = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum = models.PositiveIntegerField(null=True, blank=True)
    buffer = models.PositiveIntegerField(null=True, blank=True)
    fixed = models.PositiveIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["channel"],
                condition=models.Q(listing__isnull=True),
                name="stock_rule_channel_once",
            ),
            models.CheckConstraint(
                condition=models.Q(percent__isnull=True) | models.Q(percent__lte=100),
                name="stock_rule_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return f"rule of {self.channel_id}/{self.listing_id or '*'}"


class StockPush(models.Model):
    """The coalesced push of one listing's quantity: one row per listing, reused forever.

    Every change bumps ``generation`` and sets ``pending``; a worker claims pending rows
    with a conditional ``UPDATE`` (``sending``, a ``claim_token`` and a lease), computes the
    latest quantity, pushes, and finishes *fenced*: only its own claim, and back to
    ``pending`` if ``generation`` moved during the push (so a newer value always follows).
    The same claim-with-lease and fenced finish as the write-back outbox, so it can move
    onto the shared outbox engine (``crossdock.platform.outbox``) later.
    """

    class State(models.TextChoices):
        IDLE = "idle", "Idle"
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="stock_pushes")
    listing = models.OneToOneField(Listing, on_delete=models.CASCADE, related_name="push")
    state = models.CharField(max_length=10, choices=State.choices, default=State.IDLE)
    generation = models.PositiveBigIntegerField(default=0)
    #: The generation a claim is pushing; the finish compares it with ``generation``.
    claimed_generation = models.PositiveBigIntegerField(default=0)
    pushed_generation = models.PositiveBigIntegerField(default=0)
    claim_token = models.CharField(max_length=32, blank=True, default="")
    lease_until = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["channel", "state", "next_attempt_at"], name="stock_push_due"),
            # A claim reads, finishes and stores its rows by token: a seek, not a scan.
            models.Index(fields=["claim_token"], name="stock_push_claim"),
        ]

    def __str__(self) -> str:
        return f"push of {self.listing_id}: {self.state} g{self.generation}"


class DriftRecord(models.Model):
    """A listing found on its channel at another quantity than the hub's, and what was done."""

    class Action(models.TextChoices):
        HEALED = "healed", "Push queued"
        PAUSED = "paused", "Listing paused: left alone"
        UNDECIDED = "undecided", "Channel undecided: left alone"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="drift_records")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="drift_records")
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="drift_records")
    product = models.ForeignKey(
        Product, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sku = models.CharField(max_length=100)
    expected = models.IntegerField()
    found = models.IntegerField()
    action = models.CharField(max_length=20, choices=Action.choices)
    detected_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-detected_at", "-id"]

    def __str__(self) -> str:
        return f"{self.sku}: expected {self.expected}, found {self.found}"
