from django.apps import AppConfig


class DeskAccountsConfig(AppConfig):
    name = "crossdock.desk.accounts"
    label = "desk_accounts"
    verbose_name = "Desk accounts"
