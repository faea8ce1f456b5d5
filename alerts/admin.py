from django.contrib import admin, messages

from audit.admin_mixins import AuditedAdminMixin

from .models import AlertConfiguration, EmailDelivery, Notification, Reminder
from .services import delivery_resend


@admin.register(AlertConfiguration)
class AlertConfigurationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "mailbox", "include_details", "attach_case_review"]

    def has_add_permission(self, request):
        return not AlertConfiguration.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Every email of every alert: what happened to it, and a way to send it again."""

    list_display = ["created_at", "incident", "to_address", "reason", "status", "attempts", "sent_at", "short_error"]
    list_filter = ["status", "reason", "is_mailbox_copy"]
    search_fields = ["to_address", "incident__reference", "last_error"]
    readonly_fields = [f.name for f in EmailDelivery._meta.fields]
    actions = ["resend"]

    @admin.display(description="Last error")
    def short_error(self, obj):
        return obj.last_error[:80]

    @admin.action(description="Send the selected failed emails again")
    def resend(self, request, queryset):
        queued = sum(delivery_resend(actor=request.user, delivery_id=pk) for pk in queryset.values_list("pk", flat=True))
        if queued:
            messages.success(request, f"{queued} email(s) queued to be sent again.")
        left = queryset.count() - queued
        if left:
            messages.warning(request, f"{left} email(s) left alone: already sent, being sent now, or with no address to send to.")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Reminder)
class ReminderAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["sent_at", "incident", "kind", "stage", "due_date"]
    list_filter = ["kind"]
    readonly_fields = [f.name for f in Reminder._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Notification)
class NotificationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "recipient", "incident", "reason", "read_at"]
    list_filter = ["reason"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False
