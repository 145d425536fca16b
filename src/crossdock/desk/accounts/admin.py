from django.contrib import admin

from crossdock.desk.accounts.models import DeskAccount, DeskApiToken, DeskMembership

admin.site.register(DeskAccount)
admin.site.register(DeskMembership)
admin.site.register(DeskApiToken)
