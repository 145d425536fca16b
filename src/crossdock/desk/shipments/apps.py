from django.apps import AppConfig


class DeskShipmentsConfig(AppConfig):
    name = "crossdock.desk.shipments"
    label = "desk_shipments"
    verbose_name = "Desk shipments"

    def ready(self) -> None:
        from crossdock.desk.shipments import tasks
        from crossdock.scheduling import register_periodic

        register_periodic("desk.notices", tasks.enqueue_due_notices, every_seconds=15)
