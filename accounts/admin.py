from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from organisation.models import RoleAssignment

from .models import User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["region", "service_area", "team", "function"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [RoleAssignmentInline]
    fieldsets = (*BaseUserAdmin.fieldsets, ("Job", {"fields": ("job_title",)}))
    list_display = ["username", "first_name", "last_name", "email", "job_title", "is_active"]
    search_fields = ["username", "first_name", "last_name", "email"]
