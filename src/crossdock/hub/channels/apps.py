from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "crossdock.hub.channels"
    label = "channels"
    verbose_name = "Channels"
