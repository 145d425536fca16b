"""Carrier mapping: ShipStation's carrier and service in the words a channel expects.

Three sources, first match wins: the account's own row, then a row without an account
(an installation-wide edit made in the admin), then the built-in default declared by the
connector of the channel's kind (``ConnectorSpec.carrier_mappings``; a kind with no
connector installed has none). Within a source, a
row for the exact service comes before the carrier's any-service row, and the carrier as
reported before its canonical code. No match, or a row mapping to an empty carrier, gives
the channel's fallback with the reported carrier as ``carrier_name``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q

from crossdock.connectors.base import ConnectorSpec
from crossdock.connectors.registry import UnknownConnector, registry
from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.errors import ChannelConflict, ChannelNotFound, ChannelValidationError
from crossdock.hub.channels.models import CarrierMapping


@dataclass(frozen=True, slots=True)
class ChannelCarrier:
    carrier: str
    service: str
    #: The carrier as reported, sent beside a fallback carrier code.
    carrier_name: str
    is_mapped: bool


def _specs(channel_kind: str | None) -> list[ConnectorSpec]:
    """The installed connector of one kind (none when it is not installed), or all of them."""
    if channel_kind is None:
        return registry().all()
    try:
        return [registry().get(channel_kind)]
    except UnknownConnector:
        return []


def _built_in(channel_kind: str | None) -> list[CarrierMapping]:
    """The defaults the connectors declare (of one kind, or all) as unsaved rows: no id, no
    account."""
    return [
        CarrierMapping(
            channel_kind=spec.slug,
            carrier=row.carrier,
            service=row.service,
            channel_carrier=row.channel_carrier,
            channel_service=row.channel_service,
        )
        for spec in _specs(channel_kind)
        for row in spec.carrier_mappings
    ]


def seed_default_mappings() -> int:
    """Copy the connectors' defaults that are missing into rows without an account.

    Resolution never needs these rows (it falls back to the specs); copies are only a
    starting point for editing a default installation-wide in the admin.
    """
    created = 0
    for row in _built_in(None):
        _, made = CarrierMapping.objects.get_or_create(
            account=None,
            channel_kind=row.channel_kind,
            carrier=row.carrier,
            service=row.service,
            defaults={
                "channel_carrier": row.channel_carrier,
                "channel_service": row.channel_service,
            },
        )
        created += int(made)
    return created


def _source(row: CarrierMapping) -> int:
    """0: the account's own row, 1: an installation-wide row, 2: a built-in default."""
    if row.account_id is not None:
        return 0
    return 1 if row.pk is not None else 2


def _key(row: CarrierMapping) -> tuple[str, str, str]:
    return (row.channel_kind, row.carrier.casefold(), row.service.casefold())


def resolve_carrier(
    account_id: int,
    channel_kind: str,
    *,
    carrier: str,
    carrier_code: str = "",
    service: str = "",
    fallback: str,
) -> ChannelCarrier:
    """The channel carrier and service for a shipment (see the module docstring for order)."""
    folded = [name.casefold() for name in (carrier.strip(), carrier_code.strip()) if name]
    wanted_service = service.strip().casefold()
    rows: list[CarrierMapping] = []
    if folded:
        carrier_match = Q()
        for name in (carrier.strip(), carrier_code.strip()):
            if name:
                carrier_match |= Q(carrier__iexact=name)
        rows = list(
            CarrierMapping.objects.filter(
                Q(account_id=account_id) | Q(account__isnull=True),
                carrier_match,
                Q(service="") | Q(service__iexact=service.strip()),
                channel_kind=channel_kind,
            )
        )
        rows += [
            row
            for row in _built_in(channel_kind)
            if row.carrier.casefold() in folded and row.service.casefold() in ("", wanted_service)
        ]

    def rank(row: CarrierMapping) -> tuple[int, int, int]:
        name = row.carrier.casefold()
        return (_source(row), 0 if row.service else 1, folded.index(name) if name in folded else 9)

    best = min(rows, key=rank) if rows else None
    reported = carrier.strip() or carrier_code.strip()
    if best is None or not best.channel_carrier:
        return ChannelCarrier(
            carrier=fallback, service=service, carrier_name=reported, is_mapped=False
        )
    return ChannelCarrier(
        carrier=best.channel_carrier,
        service=best.channel_service or service,
        carrier_name="",
        is_mapped=True,
    )


def mappings(account: Account, channel_kind: str | None = None) -> list[CarrierMapping]:
    """The mappings in force for the account: its rows, then what it has not overridden.

    Built-in defaults come back as unsaved rows (``pk`` is ``None``).
    """
    stored = CarrierMapping.objects.filter(Q(account=account) | Q(account__isnull=True))
    if channel_kind:
        stored = stored.filter(channel_kind=channel_kind)
    in_force: dict[tuple[str, str, str], CarrierMapping] = {}
    for row in sorted([*stored, *_built_in(channel_kind)], key=_source):
        in_force.setdefault(_key(row), row)
    return sorted(in_force.values(), key=lambda row: (*_key(row), _source(row)))


def set_mapping(
    account: Account,
    *,
    channel_kind: str,
    carrier: str,
    service: str = "",
    channel_carrier: str,
    channel_service: str = "",
) -> CarrierMapping:
    """Add or change the account's mapping for ``(channel_kind, carrier, service)``."""
    if not channel_kind.strip():
        raise ChannelValidationError("channel_kind", "must not be empty")
    if not carrier.strip():
        raise ChannelValidationError("carrier", "must not be empty")
    try:
        with transaction.atomic():
            existing = (
                CarrierMapping.objects.select_for_update()
                .filter(
                    account=account,
                    channel_kind=channel_kind.strip(),
                    carrier__iexact=carrier.strip(),
                    service__iexact=service.strip(),
                )
                .first()
            )
            if existing is not None:
                existing.channel_carrier = channel_carrier.strip()
                existing.channel_service = channel_service.strip()
                existing.save(update_fields=["channel_carrier", "channel_service"])
                return existing
            return CarrierMapping.objects.create(
                account=account,
                channel_kind=channel_kind.strip(),
                carrier=carrier.strip(),
                service=service.strip(),
                channel_carrier=channel_carrier.strip(),
                channel_service=channel_service.strip(),
            )
    except IntegrityError as error:
        raise ChannelConflict("a concurrent change wrote the same mapping; retry") from error


def delete_mapping(account: Account, mapping_id: int) -> None:
    """Delete one of the account's own rows (the defaults are read-only here)."""
    deleted, _ = CarrierMapping.objects.filter(account=account, pk=mapping_id).delete()
    if not deleted:
        raise ChannelNotFound(f"no carrier mapping {mapping_id} of this account")
