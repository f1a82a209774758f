"""The project's documents (项目文件) tab: upload, removal, and the download that checks the
user's scope (files are never served at a public address)."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from kaifaqu.accounts.http import AuthenticatedHttpRequest
from kaifaqu.core.audit import access_record
from kaifaqu.core.forms import add_service_errors
from kaifaqu.core.permissions import can_write
from kaifaqu.projects.forms.taskforces import (
    DocumentForm,
)
from kaifaqu.projects.models import (
    Project,
    ProjectDocument,
)
from kaifaqu.projects.selectors import (
    project_documents,
)
from kaifaqu.projects.services import (
    document_add,
    document_remove,
)
from kaifaqu.projects.views.taskforces import ProjectWorkView


class DocumentsPageView(ProjectWorkView):
    template_name = "projects/project_documents.html"
    tab = "documents"

    def get_context_data(self, project: Project, **forms: Any) -> dict[str, Any]:
        document_form: DocumentForm | None = forms.get("document_form")
        user = self.request.user
        may_write = can_write(user, ProjectDocument)
        if may_write and document_form is None:
            document_form = DocumentForm()
        return {
            "documents": project_documents(user=user, project=project),
            "document_form": document_form if may_write else None,
            "may_remove": may_write,
        }


class DocumentUploadView(DocumentsPageView):
    http_method_names = ["post"]

    def post(
        self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        project = self.get_object()
        self.ensure_writer(ProjectDocument)
        form = DocumentForm(data=request.POST, files=request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                document_add(
                    by=request.user,
                    project=project,
                    data={name: data[name] for name in ("title", "kind", "dated")},
                    file=data["file"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return self.done(project, _("The document is attached."))
        return self.page(project, status=400, document_form=form)


class DocumentRemoveView(DocumentsPageView):
    http_method_names = ["post"]

    def post(
        self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        project = self.get_object()
        self.ensure_writer(ProjectDocument)
        document = get_object_or_404(
            project_documents(user=request.user, project=project), pk=kwargs["document"]
        )
        document_remove(by=request.user, document=document)
        return self.done(project, _("“%(title)s” is removed.") % {"title": document.title})


class DocumentDownloadView(ProjectWorkView):
    """The file of a document, for those who see the zone's work on the project; never a
    public address. A record outside the user's scope is a 404, as if it did not exist."""

    tab = "documents"

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        project = self.get_object()
        document = get_object_or_404(
            project_documents(user=request.user, project=project), pk=kwargs["document"]
        )
        return document_file_response(document, request=request)


def document_file_response(document: ProjectDocument, *, request: Any) -> FileResponse:
    """The document's file as an attachment under its original name (the page's and the API's
    download), recorded in the access log; a file gone from the disk is not found."""
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    filename = document.original_name or PurePosixPath(document.file.name or "").name
    access_record(
        request=request,
        kind="download",
        detail=f"project document {document.pk} of project {document.project_id}: {filename}",
    )
    response = FileResponse(handle, as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
