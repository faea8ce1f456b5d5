"""Administration of the Learning Portal's lists: origins (each reported under a source A-E), themes, the SIN
criteria read as themes (for recurrences), and the working days of the actions learning triggers.

The items themselves, their timeline and their actions are records of the process, changed only through
their services: not registered here (an administrator reads no content by that role).
"""

from django.contrib import admin

from audit.admin_mixins import AuditedAdminMixin

from . import admin_cascade  # noqa: F401  (the checks' settings)
from .models import CriterionTheme, LearningDeadlineSetting, LearningOrigin, Theme


@admin.register(LearningOrigin)
class LearningOriginAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "source", "code", "order", "active"]
    list_filter = ["source", "active"]


@admin.register(Theme)
class ThemeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "order", "active"]
    list_filter = ["active"]


@admin.register(CriterionTheme)
class CriterionThemeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["criterion", "theme"]
    list_filter = ["theme"]


@admin.register(LearningDeadlineSetting)
class LearningDeadlineSettingAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "working_days"]
