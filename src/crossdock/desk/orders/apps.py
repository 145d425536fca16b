from django.apps import AppConfig


class DeskOrdersConfig(AppConfig):
    name = "crossdock.desk.orders"
    label = "desk_orders"
    verbose_name = "Desk orders"
