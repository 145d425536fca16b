from django.apps import AppConfig


class DeskOrdersConfig(AppConfig):
    name = "crossdock.desk.orders"
    label = "desk_orders"
    verbose_name = "Desk orders"

    def ready(self) -> None:
        # Django imports task modules only once its app registry is ready.
        from crossdock.desk.orders import tasks
        from crossdock.scheduling import register_periodic

        register_periodic("desk.imports", tasks.enqueue_due_imports, every_seconds=20)
