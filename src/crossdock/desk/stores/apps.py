from django.apps import AppConfig


class DeskStoresConfig(AppConfig):
    name = "crossdock.desk.stores"
    label = "desk_stores"
    verbose_name = "Desk stores"

    def ready(self) -> None:
        from crossdock.desk.stores import tasks
        from crossdock.scheduling import register_periodic

        register_periodic("desk.imports", tasks.enqueue_due_imports, every_seconds=20)
