"""People who sign in. Their roles live in organisation.RoleAssignment."""

import rules
from django.contrib.auth.models import AbstractUser
from django.db import models


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
