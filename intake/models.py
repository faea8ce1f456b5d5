"""Incidents pushed by the organisation's other systems (source 2.10).

Health and Safety reporting, LADO referrals and HR keep their own processes;
when one of their incidents meets the criteria of 2.11 the system pushes it
here. Each system is a SourceSystem that routes to one service area or
corporate function and names the Assistant Director or Head of Profession who
completes the draft; it authenticates with tokens an administrator issues and
revokes. Only a hash of each token is kept.
"""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from organisation.models import CorporateFunction, ServiceArea


def hash_token(raw: str) -> str:
    """Tokens are long random strings, so one round of SHA-256 is enough to keep them unreadable at rest."""
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


class SourceSystem(models.Model):
    """Another system allowed to push non-case SINs, and where its incidents go."""

    # The same length as Incident.source_system, where the name is copied.
    name = models.CharField(
        max_length=50, unique=True, help_text="As it will appear on the SIN, e.g. 'Health and Safety reporting'."
    )
    service_area = models.ForeignKey(
        ServiceArea,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The service area its incidents belong to (its Assistant Director completes them).",
    )
    function = models.ForeignKey(
        CorporateFunction,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Or the corporate function its incidents belong to (its Head of Profession completes them).",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The Assistant Director or Head of Profession who completes and submits each draft.",
    )
    active = models.BooleanField(default=True, help_text="Switch off to refuse every token of this system.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(service_area__isnull=False, function__isnull=True)
                | models.Q(service_area__isnull=True, function__isnull=False),
                name="source_system_routes_to_one_place",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def place(self):
        return self.service_area or self.function

    def clean(self) -> None:
        from organisation.selectors import access_for, forget_access

        if bool(self.service_area_id) == bool(self.function_id):
            raise ValidationError("Choose either a service area or a corporate function, not both.")
        if self.author_id is None:
            return
        forget_access(self.author)
        access = access_for(self.author)
        if self.service_area_id and self.service_area_id not in access.service_area_ids:
            raise ValidationError({"author": "This person is not the Assistant Director of that service area."})
        if self.function_id and self.function_id not in access.function_ids:
            raise ValidationError({"author": "This person is not the Head of Profession of that function."})


class SourceToken(models.Model):
    """A bearer token of one source system. The raw token is shown once when issued; only its hash is stored."""

    source_system = models.ForeignKey(SourceSystem, on_delete=models.PROTECT, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters, so that an administrator can tell tokens apart without the secret.
    prefix = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source_system}: {self.prefix}…{' (revoked)' if self.revoked_at else ''}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotencyKey(models.Model):
    """An Idempotency-Key a source system sent, and the record its request made.

    The unique constraint is what makes two identical requests arriving at the
    same moment produce one record: the second insert fails and is answered
    with the first one's result.
    """

    source_system = models.ForeignKey(SourceSystem, on_delete=models.CASCADE, related_name="idempotency_keys")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source_system", "key"], name="unique_idempotency_key")]

    def __str__(self) -> str:
        return f"{self.source_system}: {self.key}"
