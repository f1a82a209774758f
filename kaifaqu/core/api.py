"""What every API viewset shares: scoping through for_user and writes through services."""

from collections.abc import Callable, Sequence
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

from kaifaqu.core.models import IndustryClass, IndustryLevel
from kaifaqu.core.permissions import user_may


class ApiPagination(PageNumberPagination):
    """`?page=` and `?page_size=` (at most 500 rows a page)."""

    page_size_query_param = "page_size"
    max_page_size = 500


class ScopedRelatedFieldMixin:
    """A related field whose accepted values are the records the requesting user can see.

    A key outside the user's scope fails exactly like a key that does not exist, so the API
    neither writes into another zone nor tells whether a record of another zone exists.
    """

    context: dict[str, Any]

    def get_queryset(self) -> Any:
        queryset = super().get_queryset()  # type: ignore[misc]
        request = self.context.get("request")
        return queryset.for_user(getattr(request, "user", None))


class ScopedPrimaryKeyRelatedField(
    ScopedRelatedFieldMixin, serializers.PrimaryKeyRelatedField[models.Model]
):
    pass


class ScopedSlugRelatedField(ScopedRelatedFieldMixin, serializers.SlugRelatedField[models.Model]):
    pass


class IndustryClassField(serializers.PrimaryKeyRelatedField[IndustryClass]):
    """A GB/T 4754-2017 class given by its 4-digit code, e.g. "3011"; broader headings are refused."""

    default_error_messages = {
        "does_not_exist": _('There is no industry code "{pk_value}" in GB/T 4754-2017.'),
        "not_class": _(
            'The industry code "{code}" ({name}) is a broader heading: choose a 4-digit industry '
            "class within it."
        ),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", IndustryClass.objects.all())
        kwargs.setdefault("help_text", _("GB/T 4754-2017 industry class (4-digit code)."))
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> IndustryClass:
        # The stubs type a related field's input as the model; it is the key ("3011").
        industry = super().to_internal_value(str(data).strip())  # type: ignore[arg-type]
        if industry.level != IndustryLevel.CLASS:
            self.fail("not_class", code=industry.code, name=industry.name)
        return industry


def ensure_read_action(request: Request, action: str | None) -> None:
    """Refuse (403) a signed-in caller the permission table does not give the action."""
    if action and request.user.is_authenticated and not user_may(request.user, action):
        raise PermissionDenied(_("You may not do this."))


class ReadActionMixin:
    """An action of the permission table that every call of a viewset needs (the zone's work on
    its projects, 统计法's figures), beyond the scope for_user applies: refused with 403 rather
    than an empty list, as the pages refuse it."""

    read_action: str | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        ensure_read_action(request, self.read_action)


class ScopedViewSet(
    ReadActionMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Any],
):
    """List, retrieve, create and update; no delete. Subclasses name their services.

    The queryset always starts from the model's `for_user`; `queryset` on the subclass only
    names the model (and, through its ordering, the default order). Create calls
    `create_service(by=user, data=validated_data)`; update calls
    `update_service(by=user, data=validated_data, <update_service_argument>=instance)`.
    """

    queryset: models.QuerySet[Any]
    create_service: Callable[..., models.Model]
    update_service: Callable[..., models.Model]
    update_service_argument: str
    select_related: Sequence[str] = ()
    prefetch_related: Sequence[str | models.Prefetch[Any]] = ()
    pagination_class = ApiPagination

    def get_queryset(self) -> models.QuerySet[Any]:
        model = self.queryset.model
        queryset = model._default_manager.for_user(self.request.user)
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        ordering = self.queryset.query.order_by or model._meta.ordering
        return queryset.order_by(*ordering)  # type: ignore[no-any-return]

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        serializer.instance = type(self).create_service(
            by=self.request.user, data=dict(serializer.validated_data)
        )

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        serializer.instance = type(self).update_service(
            by=self.request.user,
            data=dict(serializer.validated_data),
            **{self.update_service_argument: serializer.instance},
        )
