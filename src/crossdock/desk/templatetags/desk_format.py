"""Template filters that format desk values for people: dates, carriers, tracking, countries.

The desk may not import the hub's ``web`` package, so it registers the same pure functions
of :mod:`crossdock.core.display` the hub's filters do: a value reads the same in both.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from crossdock.core.display import SHARED_FILTERS, tracking_html

register = template.Library()

for _name, _function in SHARED_FILTERS.items():
    register.filter(_name, _function)


@register.filter
def tracking_link(tracking_number: str | None, carrier_code: str = "") -> SafeString:
    """The tracking number linked to the carrier's tracking page; plain text without one."""
    return mark_safe(tracking_html(carrier_code or "", tracking_number or ""))  # noqa: S308 (core escapes it)
