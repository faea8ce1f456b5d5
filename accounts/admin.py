from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import router, transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.admin_mixins import AuditedAdminMixin, admin_action
from audit.services import audit_record
from core.exceptions import BusinessRuleError
from organisation.admin import approval_status, mark_granted_if_reach_changed
from organisation.models import RoleAssignment

from .models import ApiToken, User
from .services import api_token_request, api_token_revoke, api_tokens_revoke_for, enrolment_code_issue


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
    actions = ["send_enrolment_code"]

    @admin.action(description="Send an authenticator set-up code to the selected people's own email", permissions=["change"])
    def send_enrolment_code(self, request, queryset):
        """The one-time code a person needs, with their password, to set up a first authenticator (docs/decisions/0010)."""
        sent = []
        for user in queryset.order_by("username"):
            try:
                enrolment_code_issue(actor=request.user, user=user)
            except BusinessRuleError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                sent.append(user.email)
        if sent:
            self.message_user(
                request,
                f"Set-up code sent to {', '.join(sent)}. It works once, for {settings.ENROLMENT_CODE_LIFETIME_HOURS} hours.",
                messages.SUCCESS,
            )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            # In the admin's transaction: a deactivated person's tokens go with the same save.
            revoked = api_tokens_revoke_for(actor=request.user, user=obj, reason="holder deactivated")
            if revoked:
                messages.info(request, f"{revoked} API token(s) of {obj} revoked.")

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
                        actor=request.user,
                        action=admin_action(user, "password_change"),
                        obj=user,
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
    fields = [
        "user",
        "name",
        "confirmed",
        "created_at",
        "last_used_at",
        "throttling_failure_count",
        "throttling_failure_timestamp",
    ]
    readonly_fields = fields
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ApiTokenIssueForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["user", "purpose"]

    def clean_user(self):
        user = self.cleaned_data["user"]
        if not user.is_active:
            raise forms.ValidationError(f"{user} is deactivated: a token of theirs would never be accepted.")
        return user


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Issue a token for a named person, see what became of it, revoke it; never see its key (docs/decisions/0010).

    Issuing makes a row with no key. Its holder collects the key, once, signed
    in with their second factor, from their own page (Account > API tokens).
    """

    list_display = [
        "prefix",
        "user",
        "purpose",
        "state",
        "created_by",
        "created_at",
        "expires_at",
        "collected_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at", "collected_at"]
    list_select_related = ["user", "created_by"]
    search_fields = ["prefix", "user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]
    form = ApiTokenIssueForm
    actions = ["revoke"]
    SHOWN = [
        "user",
        "purpose",
        "prefix",
        "state",
        "created_by",
        "created_at",
        "expires_at",
        "collected_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]

    @admin.display(description="Status")
    def state(self, obj):
        return obj.status()

    def get_fields(self, request, obj=None):
        return self.SHOWN if obj is not None else ["user", "purpose"]

    def get_readonly_fields(self, request, obj=None):
        return self.SHOWN if obj is not None else []

    def has_change_permission(self, request, obj=None):
        # Viewable, never edited: a token is issued or revoked, nothing else.
        return False if obj is not None else super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        # Not the audited mixin's: the service issues the token and writes "api_token.issue".
        token = api_token_request(actor=request.user, user=form.cleaned_data["user"], purpose=form.cleaned_data["purpose"])
        obj.pk = token.pk
        obj.prefix, obj.expires_at = token.prefix, token.expires_at

    def save_related(self, request, form, formsets, change):
        pass

    def log_addition(self, request, obj, message):
        return super().log_addition(request, ApiToken.objects.get(pk=obj.pk), message)

    def response_add(self, request, obj, post_url_continue=None):
        token = ApiToken.objects.select_related("user").get(pk=obj.pk)
        self.message_user(
            request,
            f"API token {token.prefix} issued for {token.user}. They collect its key themselves, once, signed in, from "
            f"their account page (they have been emailed), before {token.expires_at:%d %B %Y}. Nobody else ever sees it.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:accounts_apitoken_changelist"))

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request, queryset):
        for token in queryset:
            api_token_revoke(actor=request.user, token_id=token.pk)
        self.message_user(request, f"{queryset.count()} token(s) revoked.", messages.SUCCESS)
