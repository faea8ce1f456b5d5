"""People who sign in. Their roles live in organisation.RoleAssignment."""

import rules
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class User(AbstractUser):
    """A member of staff or of the Board who signs in to the service."""

    job_title = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def has_perm(self, perm, obj=None) -> bool:
        """The process's permissions (the `rules` package) answer for everyone, superusers too:
        administering the system gives no part in an incident. Django's own model permissions,
        which the admin asks for, keep the superuser's pass."""
        if rules.perm_exists(perm):
            return self.is_active and rules.has_perm(perm, self, obj)
        return super().has_perm(perm, obj)


class ApiToken(models.Model):
    """A person's API token: a script acting as that person, with that person's roles and visibility.

    docs/decisions/0010. An administrator issues the token (this row) for a
    named person; the key does not exist until the person, signed in with
    their second factor, collects it once from their own page. Only the
    SHA-256 hash of the key is kept, so nobody (an administrator, a database
    reader) can read it afterwards. It expires API_TOKEN_LIFETIME_DAYS after
    issue, and is revoked by its holder, by an administrator, or when the
    person is deactivated.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    purpose = models.CharField(max_length=200, help_text="What the token is for, e.g. 'Monthly figures for the PQC report'.")
    # The first part of the key, public: tells one token from another in lists and logs.
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    # SHA-256 of the whole key; empty until the holder collects the key.
    key_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False)
    expires_at = models.DateTimeField(editable=False)
    collected_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"API token {self.prefix} of {self.user}"

    def status(self, now=None) -> str:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return "Revoked"
        if self.expires_at <= now:
            return "Expired"
        if self.collected_at is None:
            return "Waiting for its holder to collect the key"
        return "Active"

    def is_live(self, now=None) -> bool:
        """Collected, not revoked, not expired: a key that is accepted (its holder must be active too)."""
        now = now or timezone.now()
        return self.collected_at is not None and self.revoked_at is None and self.expires_at > now

    def is_collectable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.collected_at is None and self.revoked_at is None and self.expires_at > now


class EnrolmentCode(models.Model):
    """A one-time code that lets a person set up their first authenticator (issue 12.6, docs/decisions/0010).

    An administrator issues it; it is emailed to the person's own address and
    kept only as a salted hash. With the password alone nobody sees the QR
    code: the sign-in asks for this code first. It expires
    (ENROLMENT_CODE_LIFETIME_HOURS) and works once; a newer code voids it.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrolment_codes")
    code_hash = models.CharField(max_length=128, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False)
    expires_at = models.DateTimeField(editable=False)
    used_at = models.DateTimeField(null=True, blank=True, editable=False)
    voided_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return (
            f"Authenticator set-up code for {self.user} ({self.created_at:%d %B %Y})"
            if self.created_at
            else "Authenticator set-up code"
        )

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.used_at is None and self.voided_at is None and self.expires_at > now
