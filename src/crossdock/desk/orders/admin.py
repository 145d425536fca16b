from django.contrib import admin

from crossdock.desk.orders.models import DeskOrder, DeskOrderLine, DeskProduct

admin.site.register(DeskOrder)
admin.site.register(DeskOrderLine)
admin.site.register(DeskProduct)
