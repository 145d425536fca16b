"""Carrier mapping: ShipStation's carrier and service in the words a channel expects.

Lookup order, first match wins: the account's own row before the seeded default; a row
for the exact service before the carrier's any-service row; the carrier as reported
before its canonical code. No match, or a row mapping to an empty carrier, gives the
channel's fallback with the reported carrier as ``carrier_name``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q

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
    names = [name for name in (carrier.strip(), carrier_code.strip()) if name]
    rows: list[CarrierMapping] = []
    if names:
        carrier_match = Q()
        for name in names:
            carrier_match |= Q(carrier__iexact=name)
        service_match = Q(service="") | Q(service__iexact=service.strip())
        rows = list(
            CarrierMapping.objects.filter(
                Q(account_id=account_id) | Q(account__isnull=True),
                carrier_match,
                service_match,
                channel_kind=channel_kind,
            )
        )

    def rank(row: CarrierMapping) -> tuple[int, int, int]:
        folded = [name.casefold() for name in names]
        return (
            0 if row.account_id is not None else 1,
            0 if row.service else 1,
            folded.index(row.carrier.casefold()) if row.carrier.casefold() in folded else 9,
        )

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
    """The account's rows and the defaults it has not overridden."""
    rows = CarrierMapping.objects.filter(Q(account=account) | Q(account__isnull=True))
    if channel_kind:
        rows = rows.filter(channel_kind=channel_kind)
    own = {
        (row.channel_kind, row.carrier.casefold(), row.service.casefold())
        for row in rows
        if row.account_id is not None
    }
    return [
        row
        for row in rows
        if row.account_id is not None
        or (row.channel_kind, row.carrier.casefold(), row.service.casefold()) not in own
    ]


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
    """Delete one of the account's own rows (the seeded defaults are read-only)."""
    deleted, _ = CarrierMapping.objects.filter(account=account, pk=mapping_id).delete()
    if not deleted:
        raise ChannelNotFound(f"no carrier mapping {mapping_id} of this account")
