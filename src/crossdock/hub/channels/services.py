"""Channel writes."""

from __future__ import annotations

from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.models import MANUAL_KIND, Channel


def ensure_manual_channel(account: Account) -> Channel:
    """The account's built-in ``manual`` channel, created on first use."""
    channel, _ = Channel.objects.get_or_create(
        account=account, name="Manual", defaults={"kind": MANUAL_KIND}
    )
    return channel
