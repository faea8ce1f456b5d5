from django.contrib import admin

from .admin_mixins import AuditedAdminMixin
from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Read-only: the trail is appended to by the services, never edited."""

    list_display = ["sequence", "at", "actor_name", "action", "object_type", "object_id", "ip_address"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_name", "object_id", "object_repr"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
