"""Administration of embedding checks (3.6): how many months after a verifying check the re-check falls due.

Imported by learning/admin.py. The checks, cascades and alerts themselves are records of
the process, changed only through their services: not registered here.
"""

from django.contrib import admin

from audit.admin_mixins import AuditedAdminMixin

from .models.checks import EmbeddingSettings


@admin.register(EmbeddingSettings)
class EmbeddingSettingsAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "recheck_months"]

    def has_add_permission(self, request):
        return not EmbeddingSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
