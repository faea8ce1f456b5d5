"""Administration of retention: the periods (the records manager confirms them) and the SINs kept beyond them."""

from django.contrib import admin, messages

from audit.admin_mixins import AuditedAdminMixin

from .models import RetentionHold, RetentionPeriod
from .services import retention_period_confirm


@admin.register(RetentionPeriod)
class RetentionPeriodAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """One row per kind of record and outcome; `retention_purge` applies only the confirmed ones."""

    list_display = ["kind", "outcome", "years", "confirmed_by", "confirmed_at"]
    list_filter = ["kind", "confirmed_at"]
    fields = ["kind", "outcome", "years", "reasoning", "confirmed_by", "confirmed_at"]
    readonly_fields = ["kind", "outcome", "confirmed_by", "confirmed_at"]
    actions = ["confirm"]

    @admin.action(description="Confirm the selected periods (as the records manager)")
    def confirm(self, request, queryset):
        count = retention_period_confirm(actor=request.user, period_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{count} period(s) confirmed by {request.user.get_username()}.", messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        if "years" in form.changed_data:
            # A changed period is a new proposal: the purge waits until it is confirmed again.
            obj.confirmed_by, obj.confirmed_at = None, None
        super().save_model(request, obj, form, change)

    def has_add_permission(self, request):
        return False  # the kinds and outcomes are the ones the purge knows

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RetentionHold)
class RetentionHoldAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """A SIN kept past its period (an inquiry, a claim); removing the hold lets the purge take it."""

    list_display = ["incident", "reason", "placed_by", "placed_at"]
    fields = ["incident", "reason", "placed_by", "placed_at"]
    readonly_fields = ["placed_by", "placed_at"]
    raw_id_fields = ["incident"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.placed_by = request.user
        super().save_model(request, obj, form, change)
