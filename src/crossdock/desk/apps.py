from django.apps import AppConfig


class DeskWebConfig(AppConfig):
    """The desk's web UI: templates under ``desk/templates/desk/``."""

    name = "crossdock.desk"
    label = "desk_web"
    verbose_name = "Shipping desk UI"
