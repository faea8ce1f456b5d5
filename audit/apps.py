from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self):
        # django.contrib.admin comes first in INSTALLED_APPS: its admin modules are loaded by now.
        from django.contrib import admin

        from .admin_mixins import audit_every_admin

        audit_every_admin(admin.site)
