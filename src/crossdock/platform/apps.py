from django.apps import AppConfig


class PlatformConfig(AppConfig):
    """Shared security plumbing; its one table counts failed sign-ins."""

    name = "crossdock.platform"
    label = "platform"
    verbose_name = "Platform"

    def ready(self) -> None:
        from django.contrib import admin

        from crossdock.platform.signin import ThrottledAdminAuthenticationForm

        # /admin/login/ counts and locks out failures like the hub's and the desk's sign-in.
        admin.site.login_form = ThrottledAdminAuthenticationForm
