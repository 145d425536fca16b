from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "crossdock.hub.orders"
    label = "orders"
    verbose_name = "Orders"
