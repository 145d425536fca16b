"""A desk store (a connection to one Custom Store URL with its settings) and its imports."""

from __future__ import annotations

from datetime import time

from django.db import models

from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.stores import notify
from crossdock.desk.stores.mapping import StatusMapping

DEFAULT_EMAIL_SUBJECT = "Your order [Order #] from [Store Company Name] has shipped"
DEFAULT_EMAIL_BODY = (
    "Hello [Buyer Name],\n\n"
    "Good news: your order [Order #] left us on [Ship Date] with [Carrier]. "
    "Tracking number: [Tracking #].\n\nThank you for shopping with [Store Company Name]."
)


class DeskStore(models.Model):
    """One store the desk imports from and reports shipments to."""

    class Kind(models.TextChoices):
        CROSSDOCK = "crossdock", "Crossdock"
        CUSTOM = "custom", "Custom Store"

    class Connection(models.TextChoices):
        UNVERIFIED = "unverified", "Not yet verified"
        OK = "ok", "Connected"
        ERROR = "error", "In error"

    class NotifyStore(models.TextChoices):
        IMMEDIATELY = "immediately", notify.NOTIFY_STORE_LABELS[notify.NotifyStore.IMMEDIATELY]
        AFTER_HOURS = "after_hours", notify.NOTIFY_STORE_LABELS[notify.NotifyStore.AFTER_HOURS]
        AT_TIME = "at_time", notify.NOTIFY_STORE_LABELS[notify.NotifyStore.AT_TIME]
        NEVER = "never", notify.NOTIFY_STORE_LABELS[notify.NotifyStore.NEVER]

    class SlipSort(models.TextChoices):
        LOCATION = "location", "Location (picking order)"
        SKU = "sku", "SKU"
        NAME = "name", "Item name"

    class AuthMode(models.TextChoices):
        BASIC = "basic", "HTTP Basic (the header only)"
        QUERY = "query", "HTTP Basic and SS-UserName/SS-Password in the query"

    class WeightSource(models.TextChoices):
        STORE = "store", "The store's weights win"
        DESK = "desk", "The desk's product weights win"

    account = models.ForeignKey(DeskAccount, on_delete=models.CASCADE, related_name="stores")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=100)
    is_active = models.BooleanField(default=True)
    #: The merchant's IANA time zone: "at a time of day" notices are read in it.
    time_zone = models.CharField(max_length=64, default="UTC")
    # Connection: the URL and the credentials the store generated (never the store's login).
    url = models.URLField(max_length=500)
    username = models.CharField(max_length=200)
    password_encrypted = models.TextField()
    #: How the credentials are sent: Basic alone, or also the query pair (for stores that
    #: read only the query; the query ends up in the store's access logs).
    auth_mode = models.CharField(max_length=10, choices=AuthMode.choices, default=AuthMode.BASIC)
    connection = models.CharField(
        max_length=20, choices=Connection.choices, default=Connection.UNVERIFIED
    )
    last_error = models.TextField(blank=True, default="")
    last_error_at = models.DateTimeField(null=True, blank=True)
    # Branding: packing slips and e-mails.
    company_name = models.CharField(max_length=100, blank=True, default="")
    logo_url = models.URLField(max_length=500, blank=True, default="")
    brand_colour = models.CharField(max_length=7, default="#12314f")
    accent_colour = models.CharField(max_length=7, default="#2f7d5b")
    phone = models.CharField(max_length=50, blank=True, default="")
    public_email = models.EmailField(max_length=254, blank=True, default="")
    website = models.URLField(max_length=500, blank=True, default="")
    #: Where parcels leave from, printed at the top of packing slips.
    ship_from_address = models.TextField(blank=True, default="")
    #: Where returns go; blank: the ship-from address.
    return_address = models.TextField(blank=True, default="")
    footer_text = models.TextField(blank=True, default="")
    # Packing slips: item order, and whether prices (never on gift orders) and SKUs show.
    slip_sort = models.CharField(max_length=10, choices=SlipSort.choices, default=SlipSort.LOCATION)
    slip_show_prices = models.BooleanField(default=True)
    slip_show_skus = models.BooleanField(default=True)
    # Notifications.
    email_buyer = models.BooleanField(default=False)
    email_subject = models.CharField(max_length=200, default=DEFAULT_EMAIL_SUBJECT)
    email_body = models.TextField(default=DEFAULT_EMAIL_BODY)
    #: The buyer e-mail's sender; blank parts fall back to the desk's ``DEFAULT_FROM_EMAIL``.
    email_from_name = models.CharField(max_length=100, blank=True, default="")
    email_from_address = models.EmailField(max_length=254, blank=True, default="")
    #: A blind copy of every buyer e-mail (the merchant's own records).
    email_bcc = models.EmailField(max_length=254, blank=True, default="")
    notify_store = models.CharField(
        max_length=20, choices=NotifyStore.choices, default=NotifyStore.IMMEDIATELY
    )
    #: With ``after_hours``: how long after the label the store is told.
    notify_store_hours = models.PositiveSmallIntegerField(default=2)
    #: With ``at_time``: the time of day, on the ship date, in ``time_zone``.
    notify_store_time = models.TimeField(default=time(17, 0))
    # Product handling.
    create_products = models.BooleanField(default=True)
    weight_source = models.CharField(
        max_length=10, choices=WeightSource.choices, default=WeightSource.STORE
    )
    locations_from_store = models.BooleanField(default=True)
    # Status mapping: five comma-separated, case-sensitive lists of the store's strings.
    status_unpaid = models.CharField(max_length=500, blank=True, default="")
    status_paid = models.CharField(max_length=500, blank=True, default="")
    status_shipped = models.CharField(max_length=500, blank=True, default="")
    status_cancelled = models.CharField(max_length=500, blank=True, default="")
    status_on_hold = models.CharField(max_length=500, blank=True, default="")
    # Auto-import.
    auto_import = models.BooleanField(default=True)
    import_interval_minutes = models.PositiveIntegerField(default=15)
    first_import_days = models.PositiveIntegerField(default=30)
    #: End of the window of the last import in which every page succeeded.
    import_mark = models.DateTimeField(null=True, blank=True)
    next_import_at = models.DateTimeField(null=True, blank=True, db_index=True)
    import_failures = models.PositiveIntegerField(default=0)
    #: Set while an import runs, so two never run at once for one store (its lease holder).
    importing_since = models.DateTimeField(null=True, blank=True)
    #: The running import renews this; once passed, the import is presumed dead (leases.py).
    import_lease_until = models.DateTimeField(null=True, blank=True)
    last_import_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "name"], name="desk_store_account_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def returns_to(self) -> str:
        """The address returns go to on slips: the return address, else the ship-from one."""
        return self.return_address or self.ship_from_address

    @property
    def notify_rule(self) -> notify.NotifyRule:
        return notify.NotifyRule(
            mode=notify.NotifyStore(self.notify_store),
            delay_hours=self.notify_store_hours,
            at_time=self.notify_store_time,
            time_zone=self.time_zone,
        )

    @property
    def status_mapping(self) -> StatusMapping:
        return StatusMapping.parse(
            {
                "unpaid": self.status_unpaid,
                "paid": self.status_paid,
                "shipped": self.status_shipped,
                "cancelled": self.status_cancelled,
                "on_hold": self.status_on_hold,
            }
        )


class ImportRun(models.Model):
    """One import of one store: its window, what it fetched, created, updated and skipped."""

    class Trigger(models.TextChoices):
        MANUAL = "manual", "Import now"
        SCHEDULE = "schedule", "Schedule"
        API = "api", "API"
        CLI = "cli", "Command line"

    class State(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    store = models.ForeignKey(DeskStore, on_delete=models.CASCADE, related_name="imports")
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    pages_total = models.PositiveIntegerField(default=0)
    pages_fetched = models.PositiveIntegerField(default=0)
    fetched = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    #: ``[{"order_number": …, "reason": …}]``: every order left out, and why.
    skipped = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True, default="")
    #: Why a successful import read only part of its window (it continues in the next).
    note = models.TextField(blank=True, default="")
    mark_advanced = models.BooleanField(default=False)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"import {self.pk} of {self.store_id} ({self.state})"
