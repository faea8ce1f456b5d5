from django.contrib import admin

from .admin_mixins import AuditedAdminMixin
from .models import AuditEvent
from .services import NAMED_BY_NUMBER

_NAMED_BY_NUMBER_LABELS = NAMED_BY_NUMBER


class ObjectTypeFilter(admin.SimpleListFilter):
    """By the kind of record; events about no record (a sign-in, say) are listed as "No record", never as an empty link."""

    title = "object type"
    parameter_name = "object_type"

    def lookups(self, request, model_admin):
        types = AuditEvent.objects.order_by("object_type").values_list("object_type", flat=True).distinct()
        return [(value or "-", value or "No record") for value in types]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        return queryset.filter(object_type="" if value == "-" else value)


@admin.register(AuditEvent)
class AuditEventAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Read-only: the trail is appended to by the services, never edited."""

    list_display = ["sequence", "at", "actor_name", "action", "object_type", "object_id", "ip_address"]
    list_filter = ["action", ObjectTypeFilter]
    # Not by description: an old event's description may quote a briefing's title or an action.
    search_fields = ["actor_name", "object_id"]

    def get_exclude(self, request, obj=None):
        # An event written before records were named by number may describe one by its content.
        if obj is not None and obj.object_type in _NAMED_BY_NUMBER_LABELS:
            return ["object_repr"]
        return []

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
