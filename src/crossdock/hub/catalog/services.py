"""Catalog and stock writes: products, kits, sources, rules, and every stock movement.

Each service is one transaction. Stock services lock the levels they change
(``select_for_update``, in a fixed order so two never deadlock), create missing level rows
with an insert that ignores conflicts (never check-then-insert), write one ledger row per
level changed and queue the pushes of the listings whose quantity may have moved
(``tasks.mark_products_changed``), all in that transaction. Bad input raises
:class:`CatalogInvalid` naming the field, before anything is written.

Order hooks (the orders and fulfillment apps call these; this app never imports them):

- :func:`sync_order_stock` after an order is stored or changed: a paid order holds its
  unshipped lines reserved; a cancelled, unpaid or shipped one holds nothing.
- :func:`consume_shipment` when a shipment is recorded: reserved and on-hand stock go down.
- :func:`cancel_order_stock` when the merchant cancels in the hub: ``return_stock=True``
  releases the reservation, ``False`` writes the goods off as sold.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from crossdock.core.actors import Actor
from crossdock.core.statuses import OrderStatus
from crossdock.core.stock import MAX_QUANTITY, Delta, Rule, explode, find_cycle, replay
from crossdock.hub.accounts.models import Account
from crossdock.hub.catalog.errors import CatalogConflict, CatalogInvalid, CatalogNotFound
from crossdock.hub.catalog.models import (
    ChannelSource,
    InventorySource,
    KitComponent,
    MovementKind,
    OrderReservation,
    OrderShortage,
    Product,
    StockLevel,
    StockMovement,
    StockRule,
)
from crossdock.hub.catalog.quantities import load_recipes, pushed_sources
from crossdock.hub.catalog.tasks import mark_channel_changed, mark_products_changed
from crossdock.hub.channels.models import Channel

# ---------------------------------------------------------------------------------------------
# Input checks


def check_quantity(value: object, field: str, *, minimum: int = 1) -> int:
    """``value`` as a whole number between ``minimum`` and ``MAX_QUANTITY``, or Invalid."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise CatalogInvalid.field(field, "must be a whole number")
    if value < minimum:
        raise CatalogInvalid.field(field, f"must be at least {minimum}")
    if value > MAX_QUANTITY:
        raise CatalogInvalid.field(field, f"must be at most {MAX_QUANTITY}")
    return value


def check_delta(value: object, field: str) -> int:
    """A signed change: non-zero, at most ``MAX_QUANTITY`` either way."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise CatalogInvalid.field(field, "must be a whole number")
    if value == 0:
        raise CatalogInvalid.field(field, "must not be zero")
    if abs(value) > MAX_QUANTITY:
        raise CatalogInvalid.field(field, f"must be between -{MAX_QUANTITY} and {MAX_QUANTITY}")
    return value


def _reason(text: str) -> str:
    return text.strip()[:500]


def product_by_sku(account: Account, sku: str, field: str = "sku") -> Product:
    """The account's product with master SKU ``sku``, or Invalid naming ``field``."""
    product = Product.objects.filter(account=account, sku=sku.strip()).first() if sku else None
    if product is None:
        raise CatalogInvalid.field(field, f"no product with SKU {sku!r}")
    return product


def source_of(
    account: Account, source: InventorySource | int, field: str = "source"
) -> InventorySource:
    """The account's inventory source (an instance or id), or Invalid naming ``field``."""
    source_id = source.pk if isinstance(source, InventorySource) else source
    found = InventorySource.objects.filter(account=account, pk=source_id).first()
    if found is None:
        raise CatalogInvalid.field(field, f"no inventory source {source_id}")
    return found


# ---------------------------------------------------------------------------------------------
# Products and kits

#: The product fields a merchant edits (``sku`` and the recipe have their own services).
PRODUCT_FIELDS = (
    "name",
    "weight_value",
    "weight_unit",
    "length",
    "width",
    "height",
    "dimension_unit",
    "barcode",
    "image_url",
    "bin_location",
    "cost",
    "tags",
    "low_stock_threshold",
)


def _check_product_values(values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(values) - set(PRODUCT_FIELDS))
    if unknown:
        raise CatalogInvalid([(name, "is not a product field") for name in unknown])
    problems: list[tuple[str, str]] = []
    checked = dict(values)
    if "name" in checked:
        checked["name"] = str(checked["name"]).strip()
        if not checked["name"] or len(checked["name"]) > 200:
            problems.append(("name", "must be 1 to 200 characters"))
    for name in ("weight_value", "length", "width", "height", "cost"):
        value = checked.get(name)
        if value is None:
            continue
        if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
            problems.append((name, "must be a non-negative decimal number"))
        elif value >= Decimal("1e8"):
            problems.append((name, "is too large"))
    threshold = checked.get("low_stock_threshold")
    if threshold is not None and (
        isinstance(threshold, bool)
        or not isinstance(threshold, int)
        or not 0 <= threshold <= MAX_QUANTITY
    ):
        problems.append(("low_stock_threshold", f"must be a whole number from 0 to {MAX_QUANTITY}"))
    tags = checked.get("tags")
    if tags is not None and (
        not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags)
    ):
        problems.append(("tags", "must be a list of words"))
    elif tags is not None:
        checked["tags"] = sorted({tag.strip() for tag in tags if tag.strip()})
    if problems:
        raise CatalogInvalid(problems)
    return checked


def create_product(account: Account, sku: str, name: str, **values: Any) -> Product:
    """A new product under master SKU ``sku`` (unique in the account: Conflict if taken)."""
    sku = sku.strip()
    if not sku or len(sku) > 100:
        raise CatalogInvalid.field("sku", "must be 1 to 100 characters")
    checked = _check_product_values({"name": name, **values})
    try:
        with transaction.atomic():
            return Product.objects.create(account=account, sku=sku, **checked)
    except IntegrityError as error:
        raise CatalogConflict(f"SKU {sku!r} is already a product") from error


def update_product(account: Account, product_id: int, **values: Any) -> Product:
    """Change a product's fields; a new low-stock threshold needs no push, a rename neither."""
    checked = _check_product_values(values)
    with transaction.atomic():
        product = Product.objects.select_for_update().filter(account=account, pk=product_id).first()
        if product is None:
            raise CatalogNotFound(f"no product {product_id}")
        for name, value in checked.items():
            setattr(product, name, value)
        product.save()
    return product


def set_recipe(account: Account, kit_id: int, components: Mapping[str, int]) -> Product:
    """Make ``kit_id`` a kit of ``components`` (component SKU → quantity per kit), replacing
    its recipe; an empty mapping makes it a plain product again.

    Refused (nothing changed): an unknown SKU, a quantity out of range, a component that
    is the kit itself or contains it through another kit (``components`` names the path).
    A kit holding stock of its own is refused too: move that stock to components first.
    """
    with transaction.atomic():
        kit = Product.objects.select_for_update().filter(account=account, pk=kit_id).first()
        if kit is None:
            raise CatalogNotFound(f"no product {kit_id}")
        recipe: dict[int, int] = {}
        names: dict[int, str] = {kit.pk: kit.sku}
        for sku, quantity in components.items():
            part = product_by_sku(account, sku, f"components.{sku}")
            recipe[part.pk] = check_quantity(quantity, f"components.{sku}.quantity")
            names[part.pk] = part.sku
        if kit.pk in recipe:
            raise CatalogInvalid.field(f"components.{kit.sku}", "a kit cannot contain itself")
        # The edited kit first, so a cycle is named from it.
        recipes: dict[int, list[int]] = {kit.pk: list(recipe)}
        for other, parts in load_recipes(recipe).items():
            recipes.setdefault(other, list(parts))
        cycle = find_cycle(recipes)
        if cycle is not None:
            for product in Product.objects.filter(pk__in=cycle):
                names[product.pk] = product.sku
            path = " → ".join(names.get(item, str(item)) for item in cycle)
            raise CatalogInvalid.field("components", f"a kit cannot contain itself: {path}")
        if (
            recipe
            and StockLevel.objects.filter(product=kit).exclude(on_hand=0, reserved=0).exists()
        ):
            raise CatalogInvalid.field(
                "components", "the product holds stock of its own; move it to the components first"
            )
        KitComponent.objects.filter(kit=kit).delete()
        KitComponent.objects.bulk_create(
            KitComponent(kit=kit, component_id=part, quantity=quantity)
            for part, quantity in recipe.items()
        )
        kit.is_kit = bool(recipe)
        kit.save(update_fields=["is_kit", "updated_at"])
        mark_products_changed([kit.pk])
    return kit


# ---------------------------------------------------------------------------------------------
# Sources and rules


def create_source(
    account: Account,
    name: str,
    kind: str = InventorySource.Kind.WAREHOUSE,
    channel: Channel | None = None,
) -> InventorySource:
    """A new inventory source; a marketplace-fulfilment one names the channel reporting it."""
    name = name.strip()
    if not name or len(name) > 100:
        raise CatalogInvalid.field("name", "must be 1 to 100 characters")
    if kind not in InventorySource.Kind.values:
        raise CatalogInvalid.field(
            "kind", f"must be one of {', '.join(InventorySource.Kind.values)}"
        )
    if channel is not None and channel.account_id != account.pk:
        raise CatalogInvalid.field("channel", "no such channel")
    try:
        with transaction.atomic():
            return InventorySource.objects.create(
                account=account, name=name, kind=kind, channel=channel
            )
    except IntegrityError as error:
        raise CatalogConflict(f"an inventory source is already named {name!r}") from error


def set_channel_sources(channel: Channel, sources: Sequence[InventorySource | int]) -> None:
    """The ordered sources feeding ``channel`` (first is preferred for reservations)."""
    with transaction.atomic():
        found = [
            source_of(channel.account, source, f"sources.{index}")
            for index, source in enumerate(sources)
        ]
        if len({source.pk for source in found}) != len(found):
            raise CatalogInvalid.field("sources", "a source is listed twice")
        ChannelSource.objects.filter(channel=channel).delete()
        ChannelSource.objects.bulk_create(
            ChannelSource(channel=channel, source=source, position=index)
            for index, source in enumerate(found)
        )
        mark_channel_changed(channel.pk)


def set_stock_rule(channel: Channel, rule: Rule | None, *, listing_id: int | None = None) -> None:
    """Set (``None``: remove) the channel's rule, or one listing's override of it."""
    if rule is not None and rule.problems():
        raise CatalogInvalid(rule.problems())
    with transaction.atomic():
        listing = None
        if listing_id is not None:
            listing = channel.listings.filter(pk=listing_id).first()
            if listing is None:
                raise CatalogNotFound(f"no listing {listing_id} on {channel.name}")
        rows = StockRule.objects.filter(channel=channel)
        rows = rows.filter(listing=listing) if listing else rows.filter(listing__isnull=True)
        if rule is None:
            rows.delete()
        else:
            StockRule.objects.update_or_create(
                channel=channel,
                listing=listing,
                defaults={
                    "account_id": channel.account_id,
                    "percent": rule.percent,
                    "maximum": rule.maximum,
                    "buffer": rule.buffer,
                    "fixed": rule.fixed,
                },
            )
        mark_channel_changed(channel.pk)


# ---------------------------------------------------------------------------------------------
# The ledger engine


@dataclass(frozen=True, slots=True)
class Move:
    """One change to one level, as a service asks for it (``set_on_hand`` for counts)."""

    product_id: int
    source_id: int
    kind: MovementKind
    on_hand: int = 0
    reserved: int = 0
    set_on_hand: int | None = None
    reason: str = ""
    order_id: int | None = None
    order_number: str = ""
    reference: str = ""
    #: Goods that physically left (a shipment) may take on-hand below zero; a count fixes it.
    may_go_negative: bool = False


Levels = dict[tuple[int, int], StockLevel]


def lock_levels(account_id: int, keys: Iterable[tuple[int, int]]) -> Levels:
    """The levels of ``(product, source)`` keys, created when missing, locked for update."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    StockLevel.objects.bulk_create(
        [StockLevel(account_id=account_id, product_id=p, source_id=s) for p, s in wanted],
        ignore_conflicts=True,
    )
    products = {p for p, _ in wanted}
    sources = {s for _, s in wanted}
    rows = (
        StockLevel.objects.select_for_update()
        .filter(product_id__in=products, source_id__in=sources)
        .order_by("product_id", "source_id")
    )
    return {
        (row.product_id, row.source_id): row
        for row in rows
        if (row.product_id, row.source_id) in set(wanted)
    }


def apply_moves(
    account_id: int, levels: Levels, moves: Sequence[Move], actor: Actor
) -> list[StockMovement]:
    """Apply ``moves`` to locked ``levels``: check all, then write levels and ledger rows.

    Call inside the transaction that locked the levels. Raises Invalid (``quantity``) when a
    move would reserve more than is available, release more than is reserved or take
    on-hand stock below zero; nothing is written then.
    """
    rows: list[StockMovement] = []
    touched: dict[tuple[int, int], StockLevel] = {}
    for move in moves:
        level = levels[(move.product_id, move.source_id)]
        on_hand_delta = (
            move.on_hand if move.set_on_hand is None else move.set_on_hand - level.on_hand
        )
        new_on_hand = level.on_hand + on_hand_delta
        new_reserved = level.reserved + move.reserved
        if new_reserved < 0:
            raise CatalogInvalid.field("quantity", f"only {level.reserved} reserved")
        if new_on_hand < 0 and not move.may_go_negative and on_hand_delta < 0:
            raise CatalogInvalid.field("quantity", f"only {level.on_hand} on hand")
        if move.kind == MovementKind.RESERVATION and new_on_hand - new_reserved < 0:
            raise CatalogInvalid.field(
                "quantity", f"only {level.on_hand - level.reserved} available"
            )
        if abs(new_on_hand) > MAX_QUANTITY or new_reserved > MAX_QUANTITY:
            raise CatalogInvalid.field("quantity", f"a level cannot exceed {MAX_QUANTITY}")
        if on_hand_delta == 0 and move.reserved == 0 and move.kind != MovementKind.COUNT:
            continue
        level.on_hand = new_on_hand
        level.reserved = new_reserved
        touched[(move.product_id, move.source_id)] = level
        rows.append(
            StockMovement(
                account_id=account_id,
                product_id=move.product_id,
                source_id=move.source_id,
                kind=move.kind,
                on_hand_delta=on_hand_delta,
                reserved_delta=move.reserved,
                on_hand_after=new_on_hand,
                reserved_after=new_reserved,
                actor=str(actor)[:150],
                reason=_reason(move.reason),
                order_id=move.order_id,
                order_number=move.order_number[:50],
                reference=move.reference,
            )
        )
    if touched:
        now = timezone.now()
        for level in touched.values():
            level.updated_at = now
        if len(touched) <= 2:
            # A plain UPDATE per level: cheaper than bulk_update's CASE for one or two.
            for level in touched.values():
                StockLevel.objects.filter(pk=level.pk).update(
                    on_hand=level.on_hand, reserved=level.reserved, updated_at=now
                )
        else:
            StockLevel.objects.bulk_update(
                list(touched.values()), ["on_hand", "reserved", "updated_at"]
            )
    created = StockMovement.objects.bulk_create(rows)
    mark_products_changed({move.product_id for move in moves})
    return created


def _stocked(account: Account, sku: str) -> Product:
    product = product_by_sku(account, sku)
    if product.is_kit:
        raise CatalogInvalid.field("sku", f"{sku} is a kit: its stock is its components'")
    return product


def moved(
    account_id: int,
    moves: Sequence[Move],
    actor: Actor,
    check: Callable[[Levels], None] | None = None,
) -> list[StockMovement]:
    """Apply ``moves`` in one transaction, then reserve what orders short of a product whose
    on-hand stock went up still want (oldest order first), in that same transaction.

    ``check`` sees the locked levels before anything is written and may raise Invalid.
    Locks in the order every order hook does: shortages, reservations, then levels.
    """
    with transaction.atomic():
        rising = {m.product_id for m in moves if m.on_hand > 0 or m.set_on_hand is not None}
        waiting = _short_of(account_id, rising)
        keys = [(move.product_id, move.source_id) for move in moves] + waiting.keys()
        levels = lock_levels(account_id, keys)
        if check is not None:
            check(levels)
        created = apply_moves(account_id, levels, moves, actor)
        waiting.fill(account_id, levels, actor)
    return created


@dataclass(slots=True)
class _Waiting:
    """Orders short of some products, locked with their reservations, and the sources each
    may reserve on: what stock that arrives or is freed is offered to, oldest order first."""

    shortages: list[OrderShortage]
    held: list[OrderReservation]
    sources: dict[int, list[int]]

    def keys(self) -> list[tuple[int, int]]:
        """The levels filling them may reserve on (lock them with the change's own)."""
        return [
            (row.product_id, source_id)
            for row in self.shortages
            for source_id in self.sources.get(row.channel_id, [])
        ]

    def fill(self, account_id: int, levels: Levels, actor: Actor) -> None:
        """Reserve for each short order in turn what the locked ``levels`` now allow."""
        if self.shortages:
            _fill_shortages(account_id, levels, self.shortages, self.held, self.sources, actor)


def _short_of(
    account_id: int,
    product_ids: Collection[int],
    *,
    besides: int | None = None,
    skip_locked: bool = False,
) -> _Waiting:
    """The orders (but ``besides``) short of ``product_ids``, their shortages and then their
    reservations locked, as every order hook locks them (before any level).

    ``skip_locked`` is for a change that already holds its own order's rows (a release):
    an order whose shortage another transaction holds is left to it, since that one locks
    the levels after this change and so sees the stock it frees.
    """
    if not product_ids:
        return _Waiting([], [], {})
    rows = OrderShortage.objects.select_for_update(skip_locked=skip_locked).filter(
        account_id=account_id, product_id__in=product_ids
    )
    if besides is not None:
        rows = rows.exclude(order_id=besides)
    shortages = list(rows.order_by("order_id", "product_id"))
    if not shortages:
        return _Waiting([], [], {})
    held = list(
        OrderReservation.objects.select_for_update()
        .filter(order_id__in=sorted({row.order_id for row in shortages}))
        .order_by("order_id", "product_id", "source_id")
    )
    sources = pushed_sources(account_id, {row.channel_id for row in shortages})
    return _Waiting(shortages, held, sources)


def _fill_shortages(
    account_id: int,
    levels: Levels,
    shortages: Sequence[OrderShortage],
    held: Sequence[OrderReservation],
    sources: Mapping[int, Sequence[int]],
    actor: Actor,
) -> None:
    """Reserve for each short order in turn (oldest first) what the locked levels allow."""
    by_order: dict[int, list[OrderShortage]] = defaultdict(list)
    for row in shortages:
        by_order[row.order_id].append(row)
    for order_id, rows in sorted(by_order.items()):
        ref = _OrderRef(order_id, account_id, rows[0].order_number)
        need = {row.product_id: row.quantity for row in rows}
        plan = _plan_reservations(
            ref, need, sources.get(rows[0].channel_id, []), levels, note=" (was short)"
        )
        if not plan.moves:
            continue
        apply_moves(account_id, levels, plan.moves, actor)
        mine = {(r.product_id, r.source_id): r for r in held if r.order_id == order_id}
        totals = {key: row.quantity for key, row in mine.items()}
        got: dict[int, int] = defaultdict(int)
        for key, quantity in plan.reservations.items():
            totals[key] = totals.get(key, 0) + quantity
            got[key[0]] += quantity
        _store_reservations(ref, mine, totals)
        for row in rows:
            row.quantity -= min(got[row.product_id], row.quantity)
            if row.quantity:
                row.save(update_fields=["quantity"])
            else:
                row.delete()


def _one_move(account: Account, actor: Actor, move: Move) -> StockMovement:
    return moved(account.pk, [move], actor)[0]


def receive(
    account: Account,
    sku: str,
    source: InventorySource | int,
    quantity: int,
    actor: Actor,
    reason: str = "",
) -> StockMovement:
    """Goods arrived: on hand goes up by ``quantity`` (1 to ``MAX_QUANTITY``)."""
    quantity = check_quantity(quantity, "quantity")
    product = _stocked(account, sku)
    found = source_of(account, source)
    return _one_move(
        account,
        actor,
        Move(product.pk, found.pk, MovementKind.RECEIPT, on_hand=quantity, reason=reason),
    )


def adjust(
    account: Account, sku: str, source: InventorySource | int, delta: int, actor: Actor, reason: str
) -> StockMovement:
    """A correction by ``delta`` (damaged, found, lost); the reason is required."""
    delta = check_delta(delta, "quantity")
    if not reason.strip():
        raise CatalogInvalid.field("reason", "say why the stock changed")
    product = _stocked(account, sku)
    found = source_of(account, source)
    return _one_move(
        account,
        actor,
        Move(product.pk, found.pk, MovementKind.ADJUSTMENT, on_hand=delta, reason=reason),
    )


def count(
    account: Account,
    sku: str,
    source: InventorySource | int,
    counted: int,
    actor: Actor,
    reason: str = "",
) -> StockMovement:
    """A stock count: on hand becomes ``counted`` (the ledger records the difference)."""
    counted = check_quantity(counted, "quantity", minimum=0)
    product = _stocked(account, sku)
    found = source_of(account, source)
    return _one_move(
        account,
        actor,
        Move(
            product.pk,
            found.pk,
            MovementKind.COUNT,
            set_on_hand=counted,
            reason=reason or "Counted",
        ),
    )


def transfer(
    account: Account,
    sku: str,
    from_source: InventorySource | int,
    to_source: InventorySource | int,
    quantity: int,
    actor: Actor,
    reason: str = "",
) -> tuple[StockMovement, StockMovement]:
    """Move ``quantity`` on hand from one source to another (two ledger rows, one reference)."""
    quantity = check_quantity(quantity, "quantity")
    product = _stocked(account, sku)
    origin = source_of(account, from_source, "from_source")
    target = source_of(account, to_source, "to_source")
    if origin.pk == target.pk:
        raise CatalogInvalid.field("to_source", "must differ from the source it comes from")
    reference = uuid.uuid4().hex

    def enough(levels: Levels) -> None:
        if levels[(product.pk, origin.pk)].available < quantity:
            raise CatalogInvalid.field(
                "quantity",
                f"only {levels[(product.pk, origin.pk)].available} available at {origin.name}",
            )

    out, into = moved(
        account.pk,
        [
            Move(
                product.pk,
                origin.pk,
                MovementKind.TRANSFER,
                on_hand=-quantity,
                reason=reason or f"To {target.name}",
                reference=reference,
            ),
            Move(
                product.pk,
                target.pk,
                MovementKind.TRANSFER,
                on_hand=quantity,
                reason=reason or f"From {origin.name}",
                reference=reference,
            ),
        ],
        actor,
        enough,
    )
    return out, into


# ---------------------------------------------------------------------------------------------
# Order hooks


class OrderLineLike(Protocol):
    @property
    def sku(self) -> str: ...
    @property
    def quantity(self) -> int: ...
    @property
    def quantity_shipped(self) -> int: ...


class OrderLinesLike(Protocol):
    def all(self) -> Iterable[OrderLineLike]: ...


class OrderLike(Protocol):
    """What the stock hooks read of a hub order (``orders.models.Order`` fits)."""

    @property
    def pk(self) -> int: ...
    @property
    def account_id(self) -> int: ...
    @property
    def channel_id(self) -> int: ...
    @property
    def number(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def status_before_hold(self) -> str: ...
    @property
    def lines(self) -> OrderLinesLike: ...


def _holds_stock(order: OrderLike) -> bool:
    """Whether the order's unshipped lines should be reserved: it is paid and open."""
    if order.status in (OrderStatus.PAID, OrderStatus.PARTIALLY_SHIPPED):
        return True
    return order.status == OrderStatus.ON_HOLD and order.status_before_hold != OrderStatus.UNPAID


#: SKUs looked up by one statement (well under every database's limit of parameters).
_SKUS_A_STATEMENT = 500


def _leaf_quantities(account_id: int, wanted: Mapping[str, int]) -> dict[int, int]:
    """Product ids (kits exploded to components) and quantities for SKU → quantity.

    The SKUs are looked up with one plain statement: it runs inside every ship notice's
    write transaction, where the ORM's building of it was about a seventh of a notice's
    CPU (profile of the notices benchmark); orders with no product SKU cost one index read.
    """
    skus = [sku for sku in wanted if sku]
    if not skus:
        return {}
    products: dict[str, int] = {}
    table = connection.ops.quote_name(Product._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(skus), _SKUS_A_STATEMENT):
            chunk = skus[start : start + _SKUS_A_STATEMENT]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                # The table's name from the model, every value a parameter.
                f"SELECT sku, id FROM {table} WHERE account_id = %s AND sku IN ({marks})",  # noqa: S608
                [account_id, *chunk],
            )
            products.update(cursor.fetchall())
    recipes = load_recipes(products.values())
    leaves: dict[int, int] = defaultdict(int)
    for sku, quantity in wanted.items():
        if sku in products and quantity > 0:
            for leaf, count_ in explode(recipes, products[sku], quantity).items():
                leaves[leaf] += count_
    return dict(leaves)


def _held(order_id: int) -> list[OrderReservation]:
    return list(
        OrderReservation.objects.select_for_update()
        .filter(order_id=order_id)
        .order_by("product_id", "source_id")
    )


def _shortages_of(order_id: int) -> list[OrderShortage]:
    """The order's shortages, locked (before its reservations: the order every hook locks in)."""
    return list(
        OrderShortage.objects.select_for_update().filter(order_id=order_id).order_by("product_id")
    )


def _store_shortages(
    order: OrderLike, rows: Sequence[OrderShortage], short: Mapping[int, int]
) -> None:
    """Make the order's shortage rows say ``short`` (product → units not reserved)."""
    have = {row.product_id: row for row in rows}
    gone = [row.pk for product_id, row in have.items() if product_id not in short]
    if gone:
        OrderShortage.objects.filter(pk__in=gone).delete()
    for product_id, quantity in short.items():
        row = have.get(product_id)
        if row is None:
            OrderShortage.objects.create(
                account_id=order.account_id,
                order_id=order.pk,
                order_number=order.number[:50],
                channel_id=order.channel_id,
                product_id=product_id,
                quantity=quantity,
            )
        elif row.quantity != quantity:
            row.quantity = quantity
            row.save(update_fields=["quantity"])


def _candidate_sources(order: OrderLike) -> list[int]:
    return pushed_sources(order.account_id, [order.channel_id])[order.channel_id]


@dataclass(frozen=True, slots=True)
class _OrderRef:
    """The order fields reservations are written with."""

    pk: int
    account_id: int
    number: str


def _ref(order: OrderLike) -> _OrderRef:
    return _OrderRef(order.pk, order.account_id, order.number)


@dataclass(slots=True)
class _Plan:
    moves: list[Move] = field(default_factory=list)
    reservations: dict[tuple[int, int], int] = field(default_factory=dict)


def _plan_reservations(
    order: _OrderRef,
    need: Mapping[int, int],
    sources: Sequence[int],
    levels: Levels,
    *,
    note: str = "",
) -> _Plan:
    """Reserve ``need`` on the first source that can fulfil all of it, else per product on
    the first that can, else what each source has, in order (the rest stays unreserved).
    ``note`` follows the order's number in the ledger's reason."""
    plan = _Plan()
    room = {key: level.available for key, level in levels.items()}

    def take(product_id: int, source_id: int, quantity: int) -> None:
        room[(product_id, source_id)] -= quantity
        plan.reservations[(product_id, source_id)] = (
            plan.reservations.get((product_id, source_id), 0) + quantity
        )
        plan.moves.append(
            Move(
                product_id,
                source_id,
                MovementKind.RESERVATION,
                reserved=quantity,
                reason=f"Order {order.number}{note}",
                order_id=order.pk,
                order_number=order.number,
            )
        )

    whole = next((s for s in sources if all(room[(p, s)] >= q for p, q in need.items())), None)
    for product_id, quantity in need.items():
        if whole is not None:
            take(product_id, whole, quantity)
            continue
        single = next((s for s in sources if room[(product_id, s)] >= quantity), None)
        if single is not None:
            take(product_id, single, quantity)
            continue
        left = quantity
        for source_id in sources:
            part = min(left, max(room[(product_id, source_id)], 0))
            if part:
                take(product_id, source_id, part)
                left -= part
    return plan


def _store_reservations(
    order: _OrderRef,
    held: Mapping[tuple[int, int], OrderReservation],
    totals: Mapping[tuple[int, int], int],
) -> None:
    for key, quantity in totals.items():
        row = held.get(key)
        if row is None:
            if quantity:
                OrderReservation.objects.create(
                    account_id=order.account_id,
                    order_id=order.pk,
                    order_number=order.number[:50],
                    product_id=key[0],
                    source_id=key[1],
                    quantity=quantity,
                )
        elif quantity == 0:
            row.delete()
        elif row.quantity != quantity:
            row.quantity = quantity
            row.save(update_fields=["quantity", "updated_at"])


def sync_order_stock(order: OrderLike, actor: Actor) -> None:
    """Make the order's reservations match it: call after storing or changing an order.

    A paid (or paid and held, or partly shipped) order holds its unshipped lines reserved,
    kits as their components, on the first of its channel's sources that can fulfil it; an
    unpaid, shipped or cancelled one holds nothing (a channel cancellation releases and so
    returns the stock). Lines whose SKU is no product are left alone. Idempotent: calling it
    again with nothing changed writes nothing. Reservations never exceed what is available;
    what cannot be reserved is recorded as the order's :class:`OrderShortage` and reserved
    when stock of the product arrives (:func:`moved`) or the order next changes.
    """
    remaining: dict[str, int] = defaultdict(int)
    if _holds_stock(order):
        for line in order.lines.all():
            remaining[line.sku] += max(line.quantity - line.quantity_shipped, 0)
    wanted = _leaf_quantities(order.account_id, remaining)
    with transaction.atomic():
        short_rows = _shortages_of(order.pk)
        held_rows = _held(order.pk)
        held: dict[int, int] = defaultdict(int)
        for row in held_rows:
            held[row.product_id] += row.quantity
        release = {p: held[p] - wanted.get(p, 0) for p in held if held[p] > wanted.get(p, 0)}
        need = {p: q - held.get(p, 0) for p, q in wanted.items() if q > held.get(p, 0)}
        if not release and not need:
            _store_shortages(order, short_rows, {})
            return
        sources = _candidate_sources(order) if need else []
        # What this change frees goes to the orders short of it, in this transaction.
        waiting = _short_of(order.account_id, set(release), besides=order.pk, skip_locked=True)
        keys = [(row.product_id, row.source_id) for row in held_rows]
        keys += [(p, s) for p in need for s in sources]
        levels = lock_levels(order.account_id, keys + waiting.keys())
        totals = {(row.product_id, row.source_id): row.quantity for row in held_rows}
        moves: list[Move] = []
        # Release from the last reserved rows first.
        for row in reversed(held_rows):
            left = release.get(row.product_id, 0)
            part = min(left, totals[(row.product_id, row.source_id)])
            if part:
                release[row.product_id] = left - part
                totals[(row.product_id, row.source_id)] -= part
                moves.append(
                    Move(
                        row.product_id,
                        row.source_id,
                        MovementKind.RELEASE,
                        reserved=-part,
                        reason=f"Order {order.number} {_release_reason(order)}",
                        order_id=order.pk,
                        order_number=order.number,
                    )
                )
        plan = _plan_reservations(_ref(order), need, sources, levels) if need else _Plan()
        for key, quantity in plan.reservations.items():
            totals[key] = totals.get(key, 0) + quantity
        apply_moves(order.account_id, levels, [*moves, *plan.moves], actor)
        _store_reservations(
            _ref(order), {(r.product_id, r.source_id): r for r in held_rows}, totals
        )
        reserved: dict[int, int] = defaultdict(int)
        for (product_id, _), quantity in totals.items():
            reserved[product_id] += quantity
        _store_shortages(
            order,
            short_rows,
            {p: q - reserved[p] for p, q in wanted.items() if q > reserved[p]},
        )
        waiting.fill(order.account_id, levels, actor)


def _release_reason(order: OrderLike) -> str:
    if order.status == OrderStatus.CANCELLED:
        return "cancelled: stock returned"
    if order.status == OrderStatus.SHIPPED:
        return "shipped"
    return "changed"


#: A caller's key for an order (its id, or the order itself).
K = TypeVar("K")


def holding_products(orders: Sequence[tuple[K, int, Iterable[str]]]) -> list[K]:
    """The keys of the new orders (key, account id, the lines' SKUs) that name a product.

    A new order holds no reservation yet, so one none of whose SKUs is a product (kits
    are products too) has nothing to reserve or release: one look-up for all the orders
    (one per account) finds the ones :func:`sync_order_stock` must see.
    """
    skus: dict[int, set[str]] = defaultdict(set)
    listed = [(key, account_id, set(order_skus)) for key, account_id, order_skus in orders]
    for _, account_id, order_skus in listed:
        skus[account_id] |= order_skus
    products = {
        (account_id, sku)
        for account_id, wanted in skus.items()
        for sku in Product.objects.filter(
            account_id=account_id, sku__in=[sku for sku in wanted if sku]
        ).values_list("sku", flat=True)
    }
    return [
        key
        for key, account_id, order_skus in listed
        if any((account_id, sku) in products for sku in order_skus)
    ]


def consume_shipment(order: OrderLike, shipped: Iterable[tuple[str, int]], actor: Actor) -> None:
    """Goods left for ``order``: ``shipped`` is (SKU, quantity) pairs, kits as they were sold.

    Each product's reservation for the order is consumed first (reserved and on hand both
    go down); units shipped beyond it leave on-hand stock of the channel's first source,
    which may go below zero (the goods are gone; a count corrects it). Unknown SKUs are left
    alone. Call inside the transaction that records the shipment.
    """
    totals: dict[str, int] = defaultdict(int)
    for sku, quantity in shipped:
        totals[sku] += quantity
    wanted = _leaf_quantities(order.account_id, totals)
    if not wanted:
        return
    with transaction.atomic():
        short_rows = {row.product_id: row for row in _shortages_of(order.pk)}
        held_rows = [row for row in _held(order.pk) if row.product_id in wanted]
        fallback = _candidate_sources(order)
        keys = [(row.product_id, row.source_id) for row in held_rows]
        keys += [(p, fallback[0]) for p in wanted] if fallback else []
        levels = lock_levels(order.account_id, keys)
        moves: list[Move] = []
        reference = f"Order {order.number} shipped"
        for product_id, quantity in wanted.items():
            left = quantity
            for row in held_rows:
                if row.product_id != product_id or not left:
                    continue
                part = min(left, row.quantity)
                left -= part
                row.quantity -= part
                moves.append(
                    Move(
                        product_id,
                        row.source_id,
                        MovementKind.SHIPMENT,
                        on_hand=-part,
                        reserved=-part,
                        reason=reference,
                        order_id=order.pk,
                        order_number=order.number,
                        may_go_negative=True,
                    )
                )
            short = short_rows.get(product_id)
            if left and short is not None:
                # Units that left unreserved were the order's shortage: no longer wanted.
                short.quantity -= min(left, short.quantity)
            if left and fallback:
                moves.append(
                    Move(
                        product_id,
                        fallback[0],
                        MovementKind.SHIPMENT,
                        on_hand=-left,
                        reason=f"{reference} (not reserved)",
                        order_id=order.pk,
                        order_number=order.number,
                        may_go_negative=True,
                    )
                )
        apply_moves(order.account_id, levels, moves, actor)
        for row in held_rows:
            if row.quantity:
                row.save(update_fields=["quantity", "updated_at"])
            else:
                row.delete()
        for short in short_rows.values():
            if short.product_id not in wanted:
                continue
            if short.quantity:
                short.save(update_fields=["quantity"])
            else:
                short.delete()


def cancel_order_stock(order: OrderLike, actor: Actor, *, return_stock: bool) -> None:
    """The merchant cancelled ``order`` in the hub: ``return_stock`` answers the page's
    question "return the stock?". True releases the reservation (the goods are still on the
    shelf); False writes the reserved goods off as sold (on hand and reserved both go down).
    Call inside the transaction that cancels the order.
    """
    with transaction.atomic():
        OrderShortage.objects.filter(pk__in=[row.pk for row in _shortages_of(order.pk)]).delete()
        held_rows = _held(order.pk)
        if not held_rows:
            return
        # Returned stock goes to the orders short of it (written-off stock frees nothing).
        waiting = (
            _short_of(
                order.account_id,
                {row.product_id for row in held_rows},
                besides=order.pk,
                skip_locked=True,
            )
            if return_stock
            else _Waiting([], [], {})
        )
        keys = [(row.product_id, row.source_id) for row in held_rows]
        levels = lock_levels(order.account_id, keys + waiting.keys())
        moves = [
            Move(
                row.product_id,
                row.source_id,
                MovementKind.RELEASE,
                reserved=-row.quantity,
                reason=f"Order {order.number} cancelled: stock returned",
                order_id=order.pk,
                order_number=order.number,
            )
            if return_stock
            else Move(
                row.product_id,
                row.source_id,
                MovementKind.SALE,
                on_hand=-row.quantity,
                reserved=-row.quantity,
                may_go_negative=True,
                reason=f"Order {order.number} cancelled: stock not returned",
                order_id=order.pk,
                order_number=order.number,
            )
            for row in held_rows
        ]
        apply_moves(order.account_id, levels, moves, actor)
        OrderReservation.objects.filter(pk__in=[row.pk for row in held_rows]).delete()
        waiting.fill(order.account_id, levels, actor)


# ---------------------------------------------------------------------------------------------
# Rebuilding from the ledger


@dataclass(frozen=True, slots=True)
class LevelDifference:
    product_id: int
    source_id: int
    stored: tuple[int, int]
    ledger: tuple[int, int]


def rebuild_levels(account: Account, *, apply: bool = True) -> list[LevelDifference]:
    """Recompute every level of ``account`` from the ledger; the differences found.

    With ``apply`` the stored levels are set to the ledger's values (and pushes queued);
    without it nothing changes (a check). An empty answer means the levels are true.
    """
    with transaction.atomic():
        stored = {
            (level.product_id, level.source_id): level
            for level in StockLevel.objects.select_for_update().filter(account=account)
        }
        rebuilt = replay(
            Delta(product, source, on_hand, reserved)
            for product, source, on_hand, reserved in StockMovement.objects.filter(
                account=account
            ).values_list("product_id", "source_id", "on_hand_delta", "reserved_delta")
        )
        differences = []
        for key in sorted(set(stored) | {(int(p), int(s)) for p, s in rebuilt}):  # type: ignore[call-overload]
            level = stored.get(key)
            ledger = rebuilt.get(key)
            have = (level.on_hand, level.reserved) if level else (0, 0)
            want = (ledger.on_hand, ledger.reserved) if ledger else (0, 0)
            if have != want:
                differences.append(LevelDifference(key[0], key[1], have, want))
        if apply and differences:
            lock_levels(account.pk, [(d.product_id, d.source_id) for d in differences])
            for difference in differences:
                StockLevel.objects.filter(
                    product_id=difference.product_id, source_id=difference.source_id
                ).update(on_hand=difference.ledger[0], reserved=difference.ledger[1])
            mark_products_changed({d.product_id for d in differences})
    return differences
