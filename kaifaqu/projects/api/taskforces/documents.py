"""Project documents (项目文件): upload, scoped download, removal."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from kaifaqu.accounts.http import api_user
from kaifaqu.core.api import ReadActionMixin, ScopedPrimaryKeyRelatedField
from kaifaqu.projects.api.taskforces.common import ProjectWorkFilter
from kaifaqu.projects.models import (
    DocumentKind,
    Project,
    ProjectDocument,
)
from kaifaqu.projects.services import (
    document_add,
    document_remove,
)
from kaifaqu.projects.views.documents import document_file_response


class DocumentSerializer(serializers.ModelSerializer[ProjectDocument]):
    project = ScopedPrimaryKeyRelatedField(queryset=Project.objects.all())
    file = serializers.FileField(write_only=True, help_text=_("The file (multipart upload)."))
    kind = serializers.ChoiceField(choices=DocumentKind.choices, default=DocumentKind.OTHER)
    download = serializers.SerializerMethodField()

    class Meta:
        model = ProjectDocument
        fields = [
            "id",
            "project",
            "title",
            "kind",
            "dated",
            "file",
            "original_name",
            "size",
            "is_illustrative",
            "uploaded_by",
            "download",
        ]
        read_only_fields = ["id", "original_name", "size", "uploaded_by", "download"]

    def get_download(self, document: ProjectDocument) -> str:
        return f"/api/project-documents/{document.pk}/download/"


@extend_schema(tags=["task forces"])
class DocumentViewSet(
    ReadActionMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """项目文件: documents of the projects. POST uploads one (multipart); `download` returns the
    file to those who may see the project's documents; `remove` deletes it and its file."""

    queryset = ProjectDocument.objects.all()
    read_action = "projects.see_zone_work"
    serializer_class = DocumentSerializer
    filterset_class = ProjectWorkFilter
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self) -> Any:
        return (
            ProjectDocument.objects.for_user(self.request.user)
            .select_related("project")
            .order_by("-dated", "-id")
        )

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = document_add(
            by=api_user(self.request), project=data.pop("project"), file=data.pop("file"), data=data
        )

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def remove(self, request: Request, pk: str | None = None) -> Response:
        """Remove the document and its file (the change log keeps that it existed)."""
        document_remove(by=api_user(request), document=self.get_object())
        return Response(status=204)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str | None = None) -> FileResponse:
        """The document's file, as an attachment under its original name."""
        return document_file_response(self.get_object(), request=request)
