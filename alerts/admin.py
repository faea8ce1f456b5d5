"""Administration of alerts: the configuration, and what became of each notification, email and reminder.

An administrator does not read incident content by virtue of that role
(DESIGN.md, "Who may do what"). A notification's message, an email's subject
and body, an incident's title and an action's description can all quote it
("You own a new action: Visit J.W. weekly", the title of a briefing for the
Chair only). So these pages show who was told, why, when, what happened to it
(status, attempts, the last error: an SMTP error never carries the body) and
the subject's reference (a SIN's, or an action's SIN's); never the words, and
nothing is searchable by them.
"""

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


class NamedRecord:
    """Stands in for a record in a page's heading and breadcrumbs: named by `label`, not by its str()."""

    def __init__(self, pk, label: str):
        self.pk = pk
        self._label = label

    def __str__(self) -> str:
        return self._label


class WithoutContentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Read-only pages that name a record by `record_label`, never by its str(), which may quote content.

    `fields` lists everything shown: keep content fields out of it, of
    `list_display` and of `search_fields`.
    """

    fields: list[str] = []

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def record_label(self, obj) -> str:
        return f"{obj._meta.verbose_name.capitalize()} {obj.pk} about {obj.reference}"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            label = self.record_label(obj)
            context = {**context, "subtitle": label, "original": NamedRecord(obj.pk, label)}
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None:
            label = self.record_label(obj)
            extra_context = {**(extra_context or {}), "title": f"Change history: {label}", "object": NamedRecord(obj.pk, label)}
        return super().history_view(request, object_id, extra_context)

    @admin.display(description="About")
    def about_kind(self, obj) -> str:
        """What kind of record it is about, and its number: an action is named by number, never its description."""
        return f"{obj.about_type.name.capitalize()} {obj.about_id}"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Viewable, never edited: these rows are what happened.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(WithoutContentAdmin):
    """Every email of every alert: to whom, why, what happened to it, and a way to send it again."""

    list_display = [
        "created_at",
        "reference",
        "about_kind",
        "to_address",
        "reason",
        "status",
        "attempts",
        "sent_at",
        "short_error",
    ]
    list_filter = ["status", "reason", "is_mailbox_copy"]
    search_fields = ["to_address", "reference", "last_error"]
    fields = [
        "reference",
        "about_kind",
        "to_address",
        "is_mailbox_copy",
        "reason",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "message_id",
    ]
    actions = ["resend"]

    def record_label(self, obj) -> str:
        return f"Email {obj.pk} about {obj.reference} to {obj.to_address}"

    @admin.display(description="Last error")
    def short_error(self, obj):
        return obj.last_error[:80]

    def has_resend_permission(self, request) -> bool:
        return request.user.has_perm("alerts.change_emaildelivery")

    @admin.action(description="Send the selected failed emails again", permissions=["resend"])
    def resend(self, request, queryset):
        queued = sum(delivery_resend(actor=request.user, delivery_id=pk) for pk in queryset.values_list("pk", flat=True))
        if queued:
            messages.success(request, f"{queued} email(s) queued to be sent again.")
        left = queryset.count() - queued
        if left:
            messages.warning(request, f"{left} email(s) left alone: already sent, being sent now, or with no address to send to.")


@admin.register(Reminder)
class ReminderAdmin(WithoutContentAdmin):
    """Reminders and escalations sent. An action is named by its number: its description may name a child."""

    list_display = ["sent_at", "reference", "about_kind", "kind", "stage", "due_date"]
    list_filter = ["kind"]
    fields = ["reference", "about_kind", "stage", "due_date", "kind", "sent_at"]


@admin.register(Notification)
class NotificationAdmin(WithoutContentAdmin):
    """Who was told what kind of thing about which incident, and whether they read it; not the message."""

    list_display = ["created_at", "recipient", "reference", "about_kind", "reason", "read_at", "email_status"]
    list_filter = ["reason"]
    search_fields = ["recipient__username", "recipient__first_name", "recipient__last_name", "reference"]
    fields = ["recipient", "reference", "about_kind", "reason", "created_at", "read_at", "email_status"]
    list_select_related = ["recipient", "email", "about_type"]

    def record_label(self, obj) -> str:
        return f"Notification {obj.pk} about {obj.reference} to {obj.recipient}"

    @admin.display(description="Email")
    def email_status(self, obj):
        email = getattr(obj, "email", None)
        return email.get_status_display() if email is not None else "—"
