from django.apps import AppConfig


class FulfillmentConfig(AppConfig):
    name = "crossdock.hub.fulfillment"
    label = "fulfillment"
    verbose_name = "Fulfillment"

    def ready(self) -> None:
        # The tick only reads the outbox and enqueues what is overdue.
        from crossdock.hub.fulfillment.tasks import sweep_write_backs
        from crossdock.scheduling import register_periodic

        def retry_overdue_write_backs() -> None:
            sweep_write_backs()

        register_periodic("fulfillment.sweep_write_backs", retry_overdue_write_backs, 30)
