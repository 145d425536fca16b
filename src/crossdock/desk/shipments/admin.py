from django.contrib import admin

from crossdock.desk.shipments.models import BuyerEmail, Shipment, ShipmentLine, StoreNotice

admin.site.register(Shipment)
admin.site.register(ShipmentLine)
admin.site.register(StoreNotice)
admin.site.register(BuyerEmail)
