"""Administrators register source systems and issue and revoke their tokens.

A token's raw value is shown once, on the page that follows issuing it; only
its hash is kept, so a lost token is revoked and a new one issued.
"""

from django.contrib import admin, messages
from django.template.response import TemplateResponse

from audit.admin_mixins import AuditedAdminMixin

from .models import SourceSystem, SourceToken
from .services import source_token_issue, source_token_revoke


@admin.register(SourceSystem)
class SourceSystemAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "place", "author", "active"]
    list_filter = ["active"]
    fields = ["name", "service_area", "function", "author", "active"]
    autocomplete_fields = ["author"]

    def get_readonly_fields(self, request, obj=None):
        # Incidents carry the name, and a repeat is recognised by it: renaming would let one in twice.
        return ["name"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        # Incidents carry the name: switch a system off instead.
        return False


@admin.register(SourceToken)
class SourceTokenAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["source_system", "prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    list_filter = ["source_system", "revoked_at"]
    actions = ["revoke"]
    fields = ["source_system"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ["source_system", "prefix", "created_at", "created_by", "last_used_at", "revoked_at", "revoked_by"]
        return []

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj) if obj is not None else ["source_system"]

    def has_change_permission(self, request, obj=None):
        # Viewable, never editable: a token is issued or revoked, nothing else.
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # Not the audited mixin's: the service issues the token and writes "intake.token_issue".
        token, raw = source_token_issue(actor=request.user, source_system=form.cleaned_data["source_system"])
        obj.pk = token.pk
        obj._raw_token = raw

    def save_related(self, request, form, formsets, change):
        pass

    def log_addition(self, request, obj, message):
        # The token row exists already (issued by the service); Django's log needs its id.
        return super().log_addition(request, SourceToken.objects.get(pk=obj.pk), message)

    def response_add(self, request, obj, post_url_continue=None):
        context = {
            **self.admin_site.each_context(request),
            "title": "Token issued",
            "token": SourceToken.objects.select_related("source_system").get(pk=obj.pk),
            "raw_token": obj._raw_token,
            "opts": self.model._meta,
        }
        response = TemplateResponse(request, "admin/intake/token_issued.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request, queryset):
        for token in queryset:
            source_token_revoke(actor=request.user, token_id=token.pk)
        self.message_user(request, f"{queryset.count()} token(s) revoked.", messages.SUCCESS)
