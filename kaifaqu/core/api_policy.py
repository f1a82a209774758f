"""API-wide policy named in settings.REST_FRAMEWORK: who may call, and how service errors look.

Kept apart from core.api because DRF imports these while its own views module is loading.
"""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, permissions
from rest_framework.request import Request
from rest_framework.response import Response

from kaifaqu.core.permissions import can_create, can_write, user_may


class ScopedModelPermission(permissions.BasePermission):
    """Signed-in users read what for_user shows them; writers write what their role allows."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        model = getattr(getattr(view, "queryset", None), "model", None)
        if model is None:
            return True
        if request.method == "POST" and getattr(view, "action", None) == "create":
            return can_create(user, model)
        # The office above may move a record (a zone's region, a park's or a firm's zone) without
        # being allowed to edit it; the service refuses any other field it sends.
        moves = getattr(view, "move_actions", ())
        if request.method == "PATCH" and any(user_may(user, action) for action in moves):
            return True
        return can_write(user, model)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Django's ValidationError and PermissionDenied raised in services become 400 and 403."""
    if isinstance(exc, DjangoValidationError):
        detail: Any = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        if "__all__" in detail:
            # A model's constraint names no field: DRF's key for that, whatever raised it.
            unnamed = detail.pop("__all__")
            detail = {**detail, "non_field_errors": unnamed}
        exc = exceptions.ValidationError(detail=detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(detail=str(exc) or None)
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is not None and response.status_code == 403 and context.get("request") is not None:
        # Refusals through the API are logged as the pages' are (accounts' handler403).
        from kaifaqu.core.audit import access_record

        access_record(request=context["request"], kind="denied", detail=str(exc)[:300])
    return response
