"""The record of a returns file imported: who, when, which file, and what it changed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReturnImport(models.Model):
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("imported at"), auto_now_add=True)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    unit = models.CharField(_("declared money unit"), max_length=4)
    rows = models.PositiveIntegerField(_("rows read"))
    created = models.PositiveIntegerField(_("returns created"))
    updated = models.PositiveIntegerField(_("returns updated"))
    unchanged = models.PositiveIntegerField(_("returns unchanged"))

    class Meta:
        # The table kept its name when the model moved from `statistics` (issue 13).
        db_table = "statistics_returnimport"
        verbose_name = _("returns import")
        verbose_name_plural = _("returns imports")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.file_name} {self.at:%Y-%m-%d %H:%M}"
