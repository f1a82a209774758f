"""Project documents (项目文件): files under MEDIA_ROOT, never served publicly."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.models import TimeStampedModel

if TYPE_CHECKING:
    pass


from kaifaqu.projects.models.taskforces.scope import ProjectWorkQuerySet


class DocumentKind(models.TextChoices):
    CONTRACT = "contract", _("Contract (合同)")
    APPROVAL = "approval", _("Approval (批复)")
    FILING = "filing", _("Filing (备案)")
    DRAWING = "drawing", _("Drawing (图纸)")
    OTHER = "other", _("Other (其他)")


# What a project document may be: office documents, PDF/OFD and pictures; nothing a browser
# would run (html, svg) and no archives.
DOCUMENT_EXTENSIONS = ("pdf", "ofd", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png")


def document_path(instance: ProjectDocument, filename: str) -> str:
    """Where an upload is stored under MEDIA_ROOT: the zone's folder and a random name that
    cannot be guessed (the original name is kept on the record, for the download)."""
    suffix = PurePosixPath(filename).suffix.lower()
    zone = instance.project.zone_id if instance.project_id else "unknown"
    return f"projects/{zone}/{uuid.uuid4().hex}{suffix}"


class ProjectDocument(TimeStampedModel):
    """A file of the project (项目文件): contract, approval, filing, drawing. Stored under
    MEDIA_ROOT, never served publicly: downloaded through a view that checks the user's scope."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=16, choices=DocumentKind.choices, default=DocumentKind.OTHER
    )
    dated = models.DateField(_("date of the document"))
    file = models.FileField(
        _("file"),
        upload_to=document_path,
        max_length=200,
        validators=[FileExtensionValidator(list(DOCUMENT_EXTENSIONS))],
    )
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ProjectWorkQuerySet.as_manager()

    class Meta:
        verbose_name = _("project document (项目文件)")
        verbose_name_plural = _("project documents (项目文件)")
        ordering = ["-dated", "-id"]
        indexes = [models.Index(fields=["project", "-dated"], name="proj_document_project_on")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:project-document-download", args=[self.project_id, self.pk])
