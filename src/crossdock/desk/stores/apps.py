from django.apps import AppConfig


class DeskStoresConfig(AppConfig):
    name = "crossdock.desk.stores"
    label = "desk_stores"
    verbose_name = "Desk stores"
