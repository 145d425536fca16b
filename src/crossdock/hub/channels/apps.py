from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "crossdock.hub.channels"
    label = "channels"
    verbose_name = "Channels"

    def ready(self) -> None:
        from crossdock.hub.channels.sync import enqueue_due_pulls
        from crossdock.scheduling import register_periodic

        def tick() -> None:
            enqueue_due_pulls()

        register_periodic("channels.enqueue_due_pulls", tick, every_seconds=15)
