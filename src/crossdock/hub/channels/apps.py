from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "crossdock.hub.channels"
    label = "channels"
    verbose_name = "Channels"

    def ready(self) -> None:
        # Both ticks only read schedules from the database and enqueue what is due.
        from crossdock.hub.channels.sync import enqueue_due_pulls
        from crossdock.hub.fulfillment.writeback import sweep_write_backs
        from crossdock.scheduling import register_periodic

        def pull_due_channels() -> None:
            enqueue_due_pulls()

        def retry_overdue_write_backs() -> None:
            sweep_write_backs()

        register_periodic("channels.enqueue_due_pulls", pull_due_channels, every_seconds=15)
        register_periodic("fulfillment.sweep_write_backs", retry_overdue_write_backs, 30)
