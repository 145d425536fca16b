from django.apps import AppConfig


class FulfillmentConfig(AppConfig):
    name = "crossdock.hub.fulfillment"
    label = "fulfillment"
    verbose_name = "Fulfillment"
