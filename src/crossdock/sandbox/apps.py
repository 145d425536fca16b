from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "crossdock.sandbox"
    label = "sandbox"
    verbose_name = "Sandbox marketplace"
