"""What every API viewset shares: scoping through for_user and writes through services."""

from collections.abc import Callable
from typing import Any

from django.db import models
from rest_framework import mixins, serializers, viewsets


class ScopedViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """List, retrieve, create and update; no delete. Subclasses name their services."""

    queryset: models.QuerySet[Any]
    create_service: Callable[..., models.Model]
    update_service: Callable[..., models.Model]
    update_service_argument: str

    def get_queryset(self) -> models.QuerySet[Any]:
        return (
            self.queryset.model._default_manager.for_user(self.request.user)
            .select_related(  # type: ignore[attr-defined]
                *getattr(self, "select_related", ())
            )
            .order_by(*self.queryset.query.order_by or self.queryset.model._meta.ordering)
        )

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        serializer.instance = type(self).create_service(
            by=self.request.user, data=serializer.validated_data
        )

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        serializer.instance = type(self).update_service(
            by=self.request.user,
            data=serializer.validated_data,
            **{self.update_service_argument: serializer.instance},
        )
