from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "crossdock.hub.accounts"
    label = "accounts"
    verbose_name = "Accounts"
