from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "crossdock.web"
    label = "web"
    verbose_name = "Merchant UI"
