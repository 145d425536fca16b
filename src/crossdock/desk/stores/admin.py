from django.contrib import admin

from crossdock.desk.stores.models import DeskStore, ImportRun


@admin.register(DeskStore)
class DeskStoreAdmin(admin.ModelAdmin[DeskStore]):
    list_display = ["name", "account", "kind", "connection", "auto_import", "is_active"]
    exclude = ["password_encrypted"]


admin.site.register(ImportRun)
