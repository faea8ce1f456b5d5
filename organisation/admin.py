from django.contrib import admin

from audit.admin_mixins import AuditedAdminMixin

from .models import CorporateFunction, Region, RoleAssignment, ServiceArea, Team


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


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "role", "region", "service_area", "team", "function"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "region", "service_area", "team", "function"]
