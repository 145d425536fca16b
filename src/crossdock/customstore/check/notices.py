"""Checks of ship notices: accepted, a repeat recorded once, malformed ones refused.

Run only when the operator names an order to write to (``--write-order``).
"""

from __future__ import annotations

import re

from crossdock.core.display import plural
from crossdock.core.redaction import redact
from crossdock.customstore.check.answers import Exchange, names
from crossdock.customstore.check.report import Check, Verdict

_SHIPMENT = re.compile(r"(?i)shipment\D{0,12}(\d+)")
_ALREADY = re.compile(r"(?i)already|duplicate|no change|unchanged|exists")


def _text(exchange: Exchange, secrets: tuple[str, ...]) -> str:
    text = exchange.body[:800].decode("utf-8", errors="replace").strip()
    return redact(text, secrets=secrets, limit=160)


def check_notice_accepted(answer: Exchange, order_number: str, secrets: tuple[str, ...]) -> Check:
    if answer.ok:
        return Check(
            "notify.accepted",
            Verdict.PASS,
            f"A ship notice for order {order_number} was answered {answer.described()}.",
        )
    said = _text(answer, secrets)
    return Check(
        "notify.accepted",
        Verdict.FAIL,
        f"A ship notice for order {order_number} was answered {answer.described()}"
        f"{f': {said!r}' if said else ''}.",
    )


def check_notice_repeat(first: Exchange, repeat: Exchange, secrets: tuple[str, ...]) -> Check:
    """A repeated identical notice is accepted and records no second shipment."""
    name = "notify.repeat"
    if not repeat.ok:
        return Check(
            name,
            Verdict.FAIL,
            f"The identical notice sent again was answered {repeat.described()}: a retry must "
            "be accepted (ShipStation resends).",
        )
    said_first, said_again = _text(first, secrets), _text(repeat, secrets)
    if _ALREADY.search(said_again):
        return Check(name, Verdict.PASS, f"The repeat was accepted as known: {said_again!r}.")
    ids_first = set(_SHIPMENT.findall(said_first))
    ids_again = set(_SHIPMENT.findall(said_again))
    if ids_first and ids_again:
        if ids_first == ids_again:
            return Check(name, Verdict.PASS, f"The repeat named the same shipment: {said_again!r}.")
        return Check(
            name,
            Verdict.FAIL,
            f"The repeat recorded a second shipment: first {said_first!r}, then "
            f"{said_again!r} — a retried notice must not ship the order twice.",
        )
    return Check(
        name,
        Verdict.WARN,
        "The repeat was accepted, but the store's answer does not say whether it made a "
        "second shipment; check the order by hand.",
    )


def check_malformed_notices(answers: dict[str, Exchange]) -> Check:
    """Malformed notices are refused (4xx), never accepted or answered 5xx."""
    accepted = [kind for kind, answer in answers.items() if answer.ok]
    crashed = [
        f"{kind} ({answer.described()})" for kind, answer in answers.items() if answer.status >= 500
    ]
    if accepted:
        return Check(
            "notify.malformed",
            Verdict.FAIL,
            f"Accepted a malformed notice: {names(accepted)}.",
        )
    if crashed:
        return Check(
            "notify.malformed", Verdict.WARN, f"Refused with a server error: {names(crashed)}."
        )
    return Check(
        "notify.malformed",
        Verdict.PASS,
        f"{plural(len(answers), 'malformed notice')} refused with 4xx.",
    )
