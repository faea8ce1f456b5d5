from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import router, transaction
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.admin_mixins import AuditedAdminMixin, admin_action
from audit.services import audit_record
from organisation.admin import approval_status, mark_granted_if_reach_changed
from organisation.models import RoleAssignment

from .models import User


class RoleAssignmentInline(admin.TabularInline):
    """A person's roles. One that reads incidents, given here, counts once another administrator
    (or the CEO) approves it under Organisation > Role assignments."""

    model = RoleAssignment
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["region", "service_area", "team", "function"]
    fields = ["role", "region", "service_area", "team", "function", "granted_by", "approval"]
    readonly_fields = ["granted_by", "approval"]

    @admin.display(description="Approval")
    def approval(self, obj):
        return approval_status(obj)


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    inlines = [RoleAssignmentInline]
    fieldsets = (*BaseUserAdmin.fieldsets, ("Job", {"fields": ("job_title",)}))
    list_display = ["username", "first_name", "last_name", "email", "job_title", "is_active"]
    search_fields = ["username", "first_name", "last_name", "email"]

    def save_formset(self, request, form, formset, change):
        if formset.model is RoleAssignment:
            for inline_form in formset.forms:
                if inline_form in formset.deleted_forms or not inline_form.has_changed():
                    continue
                mark_granted_if_reach_changed(request, inline_form)
        super().save_formset(request, form, formset, change)

    @method_decorator(sensitive_post_parameters())
    def user_change_password(self, request, id, form_url=""):
        """The password page saves the form itself, outside save_model: audit it here, in one transaction."""
        if request.method != "POST":
            return super().user_change_password(request, id, form_url)
        with transaction.atomic(using=router.db_for_write(self.model)):
            user = self.get_object(request, unquote(id))
            before = user.password if user is not None else None
            response = super().user_change_password(request, id, form_url)
            if user is not None:
                user.refresh_from_db(fields=["password"])
                if user.password != before:
                    # Never the hash: only that it changed, or that password sign-in was switched off.
                    audit_record(
                        actor=request.user, action=admin_action(user, "password_change"), obj=user,
                        changes={"password": "changed" if user.has_usable_password() else "disabled"},
                    )
            return response


# django-otp's own admin shows an authenticator's key (on the add page, and as a QR code): whoever
# reads it can make the person's codes. Ours shows that a device exists and when it was used; an
# administrator can remove one (a lost phone), never see, set or add a key. People enrol their own.
admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at", "throttling_failure_count", "throttling_failure_timestamp"]
    readonly_fields = fields
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
