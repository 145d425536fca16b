"""Staff admin for channels."""

from __future__ import annotations

from django.contrib import admin

from crossdock.hub.channels.models import Channel


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin[Channel]):
    list_display = ("name", "kind", "account", "is_active", "created_at")
    list_filter = ("kind", "account")
