from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "crossdock.hub.orders"
    label = "orders"
    verbose_name = "Orders"

    def ready(self) -> None:
        # The tick only reads schedules from the database and enqueues what is due.
        from crossdock.hub.orders.tasks import enqueue_due_pulls
        from crossdock.scheduling import register_periodic

        def pull_due_channels() -> None:
            enqueue_due_pulls()

        register_periodic("channels.enqueue_due_pulls", pull_due_channels, every_seconds=15)
