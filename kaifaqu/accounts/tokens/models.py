"""The API token (tokens/__init__.py says why it is the platform's own)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiTokenStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class ApiToken(models.Model):
    """A user's API token for one purpose; the secret itself is never stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    purpose = models.CharField(_("purpose"), max_length=64)
    prefix = models.CharField(_("prefix"), max_length=16)
    digest = models.CharField(_("SHA-256 digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(_("last used from"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        app_label = "accounts"
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "purpose"],
                condition=Q(revoked_at__isnull=True),
                name="accounts_apitoken_one_per_purpose",
                violation_error_message=_("There is already a token for this purpose."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.display} ({self.purpose})"

    @property
    def display(self) -> str:
        """What may be shown of the token: its prefix, never the secret."""
        return f"kfq_{self.prefix}_…"

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return ApiTokenStatus.REVOKED
        if self.expires_at <= timezone.now():
            return ApiTokenStatus.EXPIRED
        return ApiTokenStatus.ACTIVE

    def get_status_display(self) -> str:
        return str(ApiTokenStatus(self.status).label)
