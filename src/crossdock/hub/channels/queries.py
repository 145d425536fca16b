"""Channel reads."""

from __future__ import annotations

from django.db.models import QuerySet

from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.models import Channel


def channels(account: Account) -> QuerySet[Channel]:
    return Channel.objects.filter(account=account)
