"""Changes made through the Django admin, written to the audit trail.

`AuditedAdminMixin` goes first in the bases of every ModelAdmin of the
project. It writes one event per record added, changed or deleted, in the
transaction of the change itself (the admin's change and delete views run in
one; the bulk delete action is given one here).

Actions are named ``admin.<app_label>.<model_name>.<create|change|delete>``,
e.g. ``admin.organisation.region.create``. What each event's `changes` holds:

- create: every field of the form, ``{field: value}``;
- change: every changed field of the form, ``{field: [old, new]}``;
- delete: the record as it was, ``{field: value}``, plus ``_also_deleted``,
  the records deleted with it by cascade;
- an inline record (a role assignment on a person's page) gets its own event,
  with ``_parent`` naming the record whose page it was changed on.

A password, token, key, secret or hash is never written: a field whose name
says so, or whose value looks like a hash, is recorded as "changed" (in a
change) or "hidden" (in a create or delete).
"""

import datetime
import decimal
import re
import uuid
from typing import Any

from django.contrib.admin.utils import NestedObjects
from django.contrib.auth.hashers import identify_hasher
from django.core.exceptions import FieldDoesNotExist
from django.db import models, router, transaction
from django.db.models.fields.files import FieldFile

from .services import audit_record, is_sensitive_name, record_identity

CHANGED = "changed"
HIDDEN = "hidden"
SKIPPED_FORM_FIELDS = {"DELETE", "ORDER"}
CASCADE_LISTED = 20
_HEX_DIGEST = re.compile(r"[0-9a-fA-F]{32,}")


def admin_action(model: type[models.Model] | models.Model, verb: str) -> str:
    """The audit action of an admin change: admin.<app_label>.<model_name>.<verb>."""
    return f"admin.{model._meta.label_lower}.{verb}"


def looks_hashed(value: Any) -> bool:
    """A password hash ('algorithm$...') or a hex digest: never to be written down."""
    if not isinstance(value, str):
        return False
    if _HEX_DIGEST.fullmatch(value):
        return True
    if value.count("$") >= 2:
        try:
            identify_hasher(value)
        except ValueError:
            return False
        return True
    return False


def plain(value: Any) -> Any:
    """`value` as JSON keeps it, so that the event's seal checks out once stored."""
    if value is None or isinstance(value, bool):
        return value
    # Choices are str and int subclasses: keep the plain value.
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, models.Model):
        object_id, description = record_identity(value)
        return f"{description} (#{object_id})"
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID | datetime.timedelta):
        return str(value)
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, models.QuerySet | list | tuple | set | frozenset):
        return [plain(item) for item in value]
    return str(value)


def _model_field(model: type[models.Model], name: str):
    """The model field a form field stands for, or None (a form-only field, or a reverse relation)."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if field.auto_created and not field.concrete:
        return None
    return field


def _current_value(instance: models.Model, name: str, form=None) -> Any:
    """The value of `name` on `instance`; a many-to-many or form-only field from the form, not saved yet."""
    field = _model_field(type(instance), name)
    if field is None or field.many_to_many:
        if form is not None and name in getattr(form, "cleaned_data", {}):
            return form.cleaned_data[name]
        if field is not None and instance.pk is not None:
            return list(getattr(instance, field.name).all())
        return None
    return getattr(instance, field.name)


def _stored_values(instance: models.Model, names: list[str], form=None) -> dict[str, Any]:
    """What the database holds now for `names`, read before the change is saved."""
    model = type(instance)
    stored = model._base_manager.filter(pk=instance.pk).first() if instance.pk is not None else None
    values = {}
    for name in names:
        field = _model_field(model, name)
        if stored is None:
            values[name] = None
        elif field is None:
            values[name] = form.initial.get(name) if form is not None else None
        elif field.many_to_many:
            values[name] = list(getattr(stored, field.name).all())
        else:
            values[name] = getattr(stored, field.name)
    return values


def _form_field_names(form) -> list[str]:
    names = [name for name in form.fields if name not in SKIPPED_FORM_FIELDS]
    pk_name = form._meta.model._meta.pk.name if hasattr(form, "_meta") and form._meta.model else None
    return [name for name in names if name != pk_name]


def snapshot(values: dict[str, Any]) -> dict[str, Any]:
    """{field: value} for a create or a delete, secrets hidden."""
    recorded = {}
    for name, value in values.items():
        value = plain(value)
        recorded[name] = HIDDEN if is_sensitive_name(name) or looks_hashed(value) else value
    return recorded


def differences(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """{field: [old, new]} for a change, secrets recorded only as "changed"."""
    recorded = {}
    for name in new:
        before, after = plain(old.get(name)), plain(new[name])
        if is_sensitive_name(name) or looks_hashed(before) or looks_hashed(after):
            recorded[name] = CHANGED
        else:
            recorded[name] = [before, after]
    return recorded


def record_snapshot(instance: models.Model) -> dict[str, Any]:
    """Every field of a record about to be deleted (not its primary key, which the event names)."""
    values = {}
    for field in instance._meta.concrete_fields:
        if field.primary_key:
            continue
        values[field.name] = getattr(instance, field.name)
    for field in instance._meta.many_to_many:
        values[field.name] = list(getattr(instance, field.name).all())
    return snapshot(values)


def cascade_summary(instance: models.Model) -> dict[str, Any]:
    """The records deleting `instance` takes with it, by model: how many, and the first few."""
    collector = NestedObjects(using=router.db_for_write(type(instance), instance=instance))
    collector.collect([instance])
    summary = {}
    for model, objects in collector.model_objs.items():
        others = [obj for obj in objects if not (type(obj) is type(instance) and obj.pk == instance.pk)]
        if not others or model._meta.auto_created:
            continue
        others.sort(key=lambda obj: str(obj.pk))
        summary[model._meta.label_lower] = {
            "count": len(others),
            "objects": [plain(obj) for obj in others[:CASCADE_LISTED]],
        }
    return summary


class AuditedAdminMixin:
    """Writes every add, change and delete made through this ModelAdmin (and its inlines) to the audit trail.

    Put it first in the bases: ``class RegionAdmin(AuditedAdminMixin, admin.ModelAdmin)``.
    An admin that overrides a hook without calling super() (SourceTokenAdmin,
    whose tokens are issued by a service that audits them) keeps its own behaviour.
    """

    def save_model(self, request, obj, form, change):
        changed = list(form.changed_data) if change else []
        before = _stored_values(obj, changed, form) if changed else {}
        super().save_model(request, obj, form, change)
        if not change:
            values = {name: _current_value(obj, name, form) for name in _form_field_names(form)}
            audit_record(actor=request.user, action=admin_action(obj, "create"), obj=obj, changes=snapshot(values))
        elif changed:
            after = {name: _current_value(obj, name, form) for name in changed}
            audit_record(actor=request.user, action=admin_action(obj, "change"), obj=obj, changes=differences(before, after))

    def delete_model(self, request, obj):
        self._audit_deletion(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        # The bulk delete action runs outside the admin's transactions: give it one.
        with transaction.atomic(using=router.db_for_write(queryset.model)):
            for obj in list(queryset):
                self._audit_deletion(request, obj)
            super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        parent = self._inline_parent(formset)
        deleted = []
        if formset.can_delete:
            deleted = [f for f in formset.initial_forms if f in formset.deleted_forms and f.instance.pk is not None]
        before = {
            f.instance.pk: _stored_values(f.instance, list(f.changed_data), f)
            for f in formset.initial_forms
            if f not in deleted and f.instance.pk is not None and f.has_changed()
        }
        for inline_form in deleted:
            self._audit_deletion(request, inline_form.instance, parent=parent)
        super().save_formset(request, form, formset, change)
        forms_by_pk = {f.instance.pk: f for f in formset.forms if f.instance.pk is not None}
        for obj in getattr(formset, "new_objects", []):
            inline_form = forms_by_pk.get(obj.pk)
            names = _form_field_names(inline_form) if inline_form is not None else []
            changes = snapshot({name: _current_value(obj, name, inline_form) for name in names})
            audit_record(actor=request.user, action=admin_action(obj, "create"), obj=obj, changes={**changes, **parent})
        for obj, changed in getattr(formset, "changed_objects", []):
            inline_form = forms_by_pk.get(obj.pk)
            after = {name: _current_value(obj, name, inline_form) for name in changed}
            changes = differences(before.get(obj.pk, {}), after)
            audit_record(actor=request.user, action=admin_action(obj, "change"), obj=obj, changes={**changes, **parent})

    def _audit_deletion(self, request, obj, parent: dict | None = None) -> None:
        changes = record_snapshot(obj)
        cascade = cascade_summary(obj)
        if cascade:
            changes["_also_deleted"] = cascade
        audit_record(actor=request.user, action=admin_action(obj, "delete"), obj=obj, changes={**changes, **(parent or {})})

    @staticmethod
    def _inline_parent(formset) -> dict[str, Any]:
        instance = getattr(formset, "instance", None)
        if instance is None or instance.pk is None:
            return {}
        return {"_parent": f"{instance._meta.label_lower} {plain(instance)}"}


def audit_every_admin(site) -> None:
    """Give the mixin to every ModelAdmin on `site` that lacks it: Django's groups, TOTP devices,
    API tokens, lockouts (axes) and the task queue are administered too. Run once the admin
    modules are loaded (AuditConfig.ready, after django.contrib.admin's autodiscovery)."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, AuditedAdminMixin):
            continue
        audited = type(f"Audited{type(model_admin).__name__}", (AuditedAdminMixin, type(model_admin)), {})
        site.unregister(model)
        site.register(model, audited)
