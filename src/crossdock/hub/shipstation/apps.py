from django.apps import AppConfig


class ShipStationConfig(AppConfig):
    name = "crossdock.hub.shipstation"
    label = "shipstation"
    verbose_name = "ShipStation"
