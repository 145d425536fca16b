"""Failed sign-in counts, shared by every web process through the database."""

from __future__ import annotations

from django.db import models


class AuthThrottle(models.Model):
    """Failed sign-ins under one key (a keyed hash of an address, a username, or both).

    Kept in the database so every web process sees the same counts and a lockout outlives
    a restart.
    """

    key = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.key[:12]}… {self.failures} failures"
