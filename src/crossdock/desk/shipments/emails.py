"""The buyer's shipment e-mail: branded, with item images and options, tracking and the note.

Sent through Django's e-mail backend (the console by default) at most once per shipment:
the :class:`~crossdock.desk.shipments.models.BuyerEmail` row is claimed (pending → sending)
before sending, so a repeated job never sends twice. The address comes from the store, so it
is checked first; whatever goes wrong after the claim ends the row in ``failed`` with its
reason, never left in ``sending``: a row whose worker was killed while sending is ended
failed by the periodic tick (:func:`release_stale_sending`), not sent again.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from crossdock.desk.shipments.carriers import CARRIERS, tracking_url
from crossdock.desk.shipments.models import BuyerEmail, Shipment
from crossdock.desk.stores.tokens import render_tokens

logger = logging.getLogger(__name__)

#: An e-mail claimed this long ago and still "sending" belongs to a worker that was killed
#: (sending one takes seconds; the mail backend's own timeout is shorter).
SENDING_LEASE = timedelta(minutes=5)
STOPPED_SENDING = (
    "the worker stopped while sending this e-mail; it may have gone out, so it is not sent again"
)


@dataclass(frozen=True, slots=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def token_values(shipment: Shipment) -> dict[str, str]:
    order = shipment.order
    store = order.store
    return {
        "Order #": order.order_number,
        "Order Date": f"{order.order_date:%m/%d/%Y}",
        "Ship Date": f"{shipment.ship_date:%m/%d/%Y}",
        "Buyer Name": order.buyer_name,
        "Store Company Name": store.company_name or store.name,
        "Carrier": CARRIERS.get(shipment.carrier, shipment.carrier),
        "Service": shipment.service,
        "Tracking #": shipment.tracking_number,
        "Tracking URL": tracking_url(shipment.carrier, shipment.tracking_number),
        "Notes to Buyer": shipment.notes_to_buyer,
    }


def sender(from_name: str, from_address: str, default: str) -> str:
    """The From header: the store's name and address, each part falling back to ``default``."""
    default_name, default_address = parseaddr(default)
    name = from_name or default_name
    address = from_address or default_address or default
    return formataddr((name, address)) if name else address


def render_email(shipment: Shipment) -> RenderedEmail:
    order = shipment.order
    store = order.store
    values = token_values(shipment)
    intro = render_tokens(store.email_body, values)
    items = list(shipment.lines.select_related("line").order_by("line__position"))
    context = {
        "store": store,
        "order": order,
        "shipment": shipment,
        "items": items,
        "intro": intro,
        "values": values,
        "tracking": values["Tracking URL"],
    }
    subject = " ".join(render_tokens(store.email_subject, values).split())[:200]
    return RenderedEmail(
        subject=subject,
        text=render_to_string("desk/email/shipment.txt", context),
        html=render_to_string("desk/email/shipment.html", context),
    )


def address_problem(address: str) -> str:
    """Why ``address`` cannot receive the e-mail ("" when it can)."""
    try:
        validate_email(address)
    except ValidationError:
        shown = address if len(address) <= 80 else f"{address[:80]}…"
        return f"the buyer's e-mail address {shown!r} from the store is not a valid address"
    return ""


def send_buyer_email(shipment_id: int) -> BuyerEmail | None:
    """Send the shipment's e-mail if it is still pending; a no-op otherwise.

    Ends in ``sent`` or ``failed`` (with the reason in ``error``), whatever happens.
    """
    claimed = BuyerEmail.objects.filter(
        shipment_id=shipment_id, state=BuyerEmail.State.PENDING
    ).update(state=BuyerEmail.State.SENDING, claimed_at=timezone.now())
    if not claimed:
        return BuyerEmail.objects.filter(shipment_id=shipment_id).first()
    email = BuyerEmail.objects.select_related(
        "shipment", "shipment__order", "shipment__order__store"
    ).get(shipment_id=shipment_id)
    problem = address_problem(email.recipient)
    if problem:
        return _failed(email, problem)
    try:
        _send(email)
    except (smtplib.SMTPException, OSError) as error:
        return _failed(email, str(error))
    except Exception as error:
        # A header the backend refuses, a template that breaks: recorded, never stuck.
        logger.exception("desk e-mail of shipment %s could not be built", shipment_id)
        return _failed(email, f"the e-mail could not be built: {error}")
    BuyerEmail.objects.filter(pk=email.pk).update(
        state=BuyerEmail.State.SENT, sent_at=timezone.now(), error=""
    )
    return BuyerEmail.objects.get(pk=email.pk)


def release_stale_sending(now: datetime) -> int:
    """E-mails left "sending" past :data:`SENDING_LEASE` (their worker was killed) end
    failed. They are not sent again: the mail server may have taken one already, and an
    e-mail goes out at most once."""
    return BuyerEmail.objects.filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - SENDING_LEASE),
        state=BuyerEmail.State.SENDING,
    ).update(state=BuyerEmail.State.FAILED, error=STOPPED_SENDING)


def claim_lost_pending(now: datetime, lost_after: timedelta) -> list[int]:
    """The shipments of e-mails still pending ``lost_after`` since their job was queued (a
    killed worker took the job and lost it), each claimed by a conditional update so that
    concurrent ticks queue it once. Queueing one again is safe: sending claims the e-mail
    (pending → sending) first, so it goes out at most once."""
    lost = BuyerEmail.objects.filter(
        Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - lost_after),
        state=BuyerEmail.State.PENDING,
    ).values_list("pk", "shipment_id", "enqueued_at")
    return [
        shipment_id
        for pk, shipment_id, enqueued_at in lost
        if BuyerEmail.objects.filter(
            pk=pk, state=BuyerEmail.State.PENDING, enqueued_at=enqueued_at
        ).update(enqueued_at=now)
    ]


def _failed(email: BuyerEmail, reason: str) -> BuyerEmail:
    BuyerEmail.objects.filter(pk=email.pk).update(state=BuyerEmail.State.FAILED, error=reason[:500])
    logger.warning("desk e-mail of shipment %s failed", email.shipment_id)
    return BuyerEmail.objects.get(pk=email.pk)


def _send(email: BuyerEmail) -> None:
    shipment = email.shipment
    store = shipment.order.store
    rendered = render_email(shipment)
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=sender(
            store.email_from_name, store.email_from_address, settings.DEFAULT_FROM_EMAIL
        ),
        to=[email.recipient],
        bcc=[store.email_bcc] if store.email_bcc else None,
        reply_to=[store.public_email] if store.public_email else None,
    )
    message.attach_alternative(rendered.html, "text/html")
    message.send(fail_silently=False)
