from django.contrib import admin, messages
from django.utils import timezone

from audit.admin_mixins import AuditedAdminMixin
from core.exceptions import BusinessRuleError

from .models import ROLES_NEEDING_APPROVAL, CorporateFunction, Region, RoleAssignment, ServiceArea, Team
from .services import REACH_FIELDS, role_assignment_approve, role_assignment_mark_granted


@admin.register(Region)
class RegionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(ServiceArea)
class ServiceAreaAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "region"]
    list_filter = ["region"]
    search_fields = ["name"]


@admin.register(Team)
class TeamAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "service_area"]
    list_filter = ["service_area__region"]
    search_fields = ["name"]


@admin.register(CorporateFunction)
class CorporateFunctionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    search_fields = ["name"]


def approval_status(assignment: RoleAssignment) -> str:
    """Whether the role counts yet, and on whose word: for the admin's list and pages."""
    if assignment.pk is None:
        return "—"
    if not assignment.is_approved:
        return "Awaiting approval: it does not count yet"
    when = timezone.localtime(assignment.approved_at).strftime("%d %B %Y %H:%M")
    if assignment.approved_by_id:
        return f"Approved by {assignment.approved_by} on {when}"
    if assignment.granted_by_id:
        return "Counts at once: this role reads no incident"
    return "Given by the system (demo, import or migration)"


def mark_granted_if_reach_changed(request, form) -> None:
    """A role given, or changed in what it reaches, in the admin: record who gave it; a role
    that reads incidents then awaits a second person's approval."""
    assignment = form.instance
    if assignment.pk is None or REACH_FIELDS & set(form.changed_data):
        role_assignment_mark_granted(assignment=assignment, granted_by=request.user)


class ApprovalFilter(admin.SimpleListFilter):
    title = "approval"
    parameter_name = "approval"

    def lookups(self, request, model_admin):
        return [("awaiting", "Awaiting approval"), ("reads", "Reads incidents (approved)"), ("other", "Reads no incident")]

    def queryset(self, request, queryset):
        if self.value() == "awaiting":
            return queryset.filter(approved_at__isnull=True)
        if self.value() == "reads":
            return queryset.filter(approved_at__isnull=False, role__in=ROLES_NEEDING_APPROVAL)
        if self.value() == "other":
            return queryset.exclude(role__in=ROLES_NEEDING_APPROVAL)
        return queryset


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Who holds which role where, who gave it and who approved it; and the second approval itself (issue 15.8)."""

    list_display = ["user", "role", "place", "granted_by", "granted_at", "approval"]
    list_filter = [ApprovalFilter, "role"]
    list_select_related = ["user", "region", "service_area", "team", "function", "granted_by", "approved_by"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "region", "service_area", "team", "function"]
    fields = ["user", "role", "region", "service_area", "team", "function", "granted_by", "granted_at", "approval"]
    readonly_fields = ["granted_by", "granted_at", "approval"]
    actions = ["approve"]

    @admin.display(description="Approval")
    def approval(self, obj):
        return approval_status(obj)

    def save_model(self, request, obj, form, change):
        mark_granted_if_reach_changed(request, form)
        super().save_model(request, obj, form, change)

    @admin.action(description="Approve the selected roles (you cannot approve a role you gave)", permissions=["change"])
    def approve(self, request, queryset):
        approved = 0
        for assignment in queryset.order_by("pk"):
            if assignment.is_approved:
                continue
            try:
                role_assignment_approve(actor=request.user, assignment_id=assignment.pk)
            except BusinessRuleError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                approved += 1
        if approved:
            self.message_user(request, f"{approved} role(s) approved: they count from now on.", messages.SUCCESS)
        elif not queryset.filter(approved_at__isnull=True).exists():
            self.message_user(request, "Nothing to approve: the selected roles are approved already.", messages.WARNING)
