from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save


class ChannelsConfig(AppConfig):
    name = "crossdock.hub.channels"
    label = "channels"
    verbose_name = "Channels"

    def ready(self) -> None:
        # Models are importable only once the app registry is ready.
        from crossdock.hub.accounts.models import Account
        from crossdock.hub.channels.services import ensure_manual_channel

        def give_manual_channel(
            sender: type[Account], instance: Account, created: bool, **kwargs: Any
        ) -> None:
            # Every account has its built-in manual channel from the start, created in the
            # account's own transaction (accounts sit below channels and cannot call us).
            if created and not kwargs.get("raw", False):
                ensure_manual_channel(instance)

        post_save.connect(give_manual_channel, sender=Account, weak=False)
