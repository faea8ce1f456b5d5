"""Administration: criteria lists and who signs off a case review.

Incident content is deliberately not registered here: an administrator does
not read incident content by virtue of that role (DESIGN.md).
"""

from django.contrib import admin

from audit.admin_mixins import AuditedAdminMixin

from .models import CaseReview, Criterion, DeadlineSetting


@admin.register(Criterion)
class CriterionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["text", "kind", "code", "order", "active"]
    list_filter = ["kind", "active"]
    readonly_fields = ["code"]

    def has_delete_permission(self, request, obj=None):
        # Criteria are referenced by past incidents: switch them off instead.
        return False


@admin.register(CaseReview)
class CaseReviewAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Only the choice of Operational Service Director is editable; the review itself is not shown."""

    list_display = ["incident", "status", "sign_off_by"]
    list_filter = ["status"]
    fields = ["incident", "status", "sign_off_by"]
    readonly_fields = ["incident", "status"]
    autocomplete_fields = ["sign_off_by"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeadlineSetting)
class DeadlineSettingAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Working days allowed for each step; a stage without a row uses the default in the README."""

    list_display = ["stage", "working_days"]
