"""Project documents (项目文件): checked (type, size, content) and stored under a random name."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from kaifaqu.accounts.models import User
from kaifaqu.core.audit import acting_as
from kaifaqu.projects.models import (
    DOCUMENT_EXTENSIONS,
    Project,
    ProjectDocument,
)
from kaifaqu.projects.services.taskforces.common import (
    DOCUMENT_FIELDS,
    ensure_writer,
    not_in_future,
)

# The first bytes each kind of file starts with: a file whose content is not what its name says
# (an executable renamed .pdf) is refused.
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "ofd": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0",),
    "xls": (b"\xd0\xcf\x11\xe0",),
}


def document_max_bytes() -> int:
    return int(settings.KFQ_DOCUMENT_MAX_MB) * 1024 * 1024


def check_document_file(file: UploadedFile) -> None:
    """Refuse a file of a type not on the list, larger than the limit, or whose content is not
    what its name says."""
    name = file.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in DOCUMENT_EXTENSIONS:
        raise ValidationError(
            {
                "file": _("Files of type “%(type)s” cannot be attached; allowed: %(allowed)s.")
                % {"type": extension or "—", "allowed": ", ".join(DOCUMENT_EXTENSIONS)}
            }
        )
    limit = document_max_bytes()
    if file.size is None or file.size > limit:
        raise ValidationError(
            {
                "file": _("The file is larger than %(mb)s MB, the most a document may be.")
                % {"mb": settings.KFQ_DOCUMENT_MAX_MB}
            }
        )
    if file.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if not head.startswith(_SIGNATURES[extension]):
        raise ValidationError(
            {"file": _("The file's content is not a %(type)s file.") % {"type": extension}}
        )


@transaction.atomic
def document_add(
    *, by: User, project: Project, data: dict[str, Any], file: UploadedFile
) -> ProjectDocument:
    """Attach a file to the project, stored under a name that cannot be guessed."""
    ensure_writer(by, ProjectDocument, project)
    check_document_file(file)
    fields = {key: value for key, value in data.items() if key in DOCUMENT_FIELDS}
    original = (file.name or "").replace("\\", "/").rsplit("/", 1)[-1][:200]
    document = ProjectDocument(
        project=project,
        file=file,
        original_name=original,
        size=file.size or 0,
        uploaded_by=by,
        **fields,
    )
    document.full_clean()
    not_in_future(document.dated, "dated")
    with acting_as(by):
        document.save()
    return document


@transaction.atomic
def document_remove(*, by: User, document: ProjectDocument) -> None:
    """Remove a document and its file (the change log keeps that it existed and who removed it)."""
    ensure_writer(by, ProjectDocument, document.project)
    storage, name = document.file.storage, document.file.name
    with acting_as(by):
        document.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
