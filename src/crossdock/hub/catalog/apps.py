from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "crossdock.hub.catalog"
    label = "catalog"
    verbose_name = "Catalog and stock"

    def ready(self) -> None:
        # The tick only reads schedules from the database and enqueues what is due.
        from crossdock.hub.catalog.schedule import enqueue_due_reconciliations
        from crossdock.hub.catalog.tasks import sweep_stock_pushes
        from crossdock.scheduling import register_periodic

        def reconcile_due_channels() -> None:
            enqueue_due_reconciliations()

        def sweep_pushes() -> None:
            sweep_stock_pushes()

        register_periodic("catalog.reconcile_stock", reconcile_due_channels, every_seconds=60)
        register_periodic("catalog.sweep_stock_pushes", sweep_pushes, every_seconds=30)
