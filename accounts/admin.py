from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import router, transaction
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters

from audit.admin_mixins import AuditedAdminMixin, admin_action
from audit.services import audit_record
from organisation.models import RoleAssignment

from .models import User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["region", "service_area", "team", "function"]


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    inlines = [RoleAssignmentInline]
    fieldsets = (*BaseUserAdmin.fieldsets, ("Job", {"fields": ("job_title",)}))
    list_display = ["username", "first_name", "last_name", "email", "job_title", "is_active"]
    search_fields = ["username", "first_name", "last_name", "email"]

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
