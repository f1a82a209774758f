"""The accounts API (三员分立), for the three administrators: list and read accounts; the system
administrator creates, disables, enables and resets them; the security administrator assigns
roles and scopes. The permission table decides each call (the services refuse); nobody changes
their own account here."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from kaifaqu.accounts.http import api_user
from kaifaqu.accounts.models import User
from kaifaqu.accounts.selectors import account_list, scope_model
from kaifaqu.accounts.services import (
    account_create,
    account_disable,
    account_enable,
    account_password_reset,
    account_role_assign,
    account_second_factor_reset,
)
from kaifaqu.core.api import ApiPagination
from kaifaqu.core.permissions import Role, ensure_may


class AccountSerializer(serializers.ModelSerializer[User]):
    full_name = serializers.CharField(source="first_name", required=False, allow_blank=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    scope_label = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "email",
            "role",
            "role_label",
            "scope_region",
            "scope_zone",
            "scope_park",
            "scope_enterprise",
            "scope_label",
            "is_active",
            "date_joined",
            "last_login",
        ]
        read_only_fields = [
            "role",
            "scope_region",
            "scope_zone",
            "scope_park",
            "scope_enterprise",
            "is_active",
            "date_joined",
            "last_login",
        ]

    def get_scope_label(self, account: User) -> str:
        return account.scope_label if account.role else ""


class NewAccountSerializer(AccountSerializer):
    one_time_password = serializers.CharField(read_only=True, help_text="Shown this once.")

    class Meta(AccountSerializer.Meta):
        fields = [*AccountSerializer.Meta.fields, "one_time_password"]


def _scope_field(name: str, **kwargs: Any) -> serializers.PrimaryKeyRelatedField[Any]:
    return serializers.PrimaryKeyRelatedField(
        queryset=scope_model(name)._default_manager.all(), required=False, allow_null=True, **kwargs
    )


class RoleAssignSerializer(serializers.Serializer[Any]):
    role = serializers.ChoiceField(
        choices=Role.choices, allow_blank=True, help_text="Empty for no role."
    )
    scope_region = _scope_field("scope_region")
    scope_zone = _scope_field("scope_zone")
    scope_park = _scope_field("scope_park")
    scope_enterprise = serializers.SlugRelatedField(
        slug_field="uscc",
        queryset=scope_model("scope_enterprise")._default_manager.all(),
        required=False,
        allow_null=True,
        help_text="The enterprise's unified social credit code.",
    )


PASSWORD_RESPONSE = inline_serializer(
    "OneTimePassword", fields={"one_time_password": serializers.CharField()}
)


@extend_schema(tags=["accounts"])
class AccountViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[User],
):
    serializer_class = AccountSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = ApiPagination
    queryset = User.objects.none()

    def get_queryset(self) -> QuerySet[User]:
        if getattr(self, "swagger_fake_view", False):
            return User.objects.none()
        return account_list(user=api_user(self.request))

    @extend_schema(request=AccountSerializer, responses={201: NewAccountSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Refused before the body is read: a caller who may not gets 403, not the body's 400.
        ensure_may(
            api_user(request),
            "accounts.user.add",
            _("Only the system administrator creates accounts."),
        )
        serializer = AccountSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        account, secret = account_create(
            by=api_user(request),
            username=serializer.validated_data["username"],
            full_name=serializer.validated_data.get("first_name", ""),
            email=serializer.validated_data.get("email", ""),
        )
        body = {**AccountSerializer(account).data, "one_time_password": secret}
        response = Response(body, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(request=None, responses=AccountSerializer)
    @action(detail=True, methods=["post"])
    def disable(self, request: Request, pk: str | None = None) -> Response:
        account = account_disable(by=api_user(request), user=self.get_object())
        return Response(AccountSerializer(account).data)

    @extend_schema(request=None, responses=AccountSerializer)
    @action(detail=True, methods=["post"])
    def enable(self, request: Request, pk: str | None = None) -> Response:
        account = account_enable(by=api_user(request), user=self.get_object())
        return Response(AccountSerializer(account).data)

    @extend_schema(request=None, responses=PASSWORD_RESPONSE)
    @action(detail=True, methods=["post"], url_path="reset-password")
    def reset_password(self, request: Request, pk: str | None = None) -> Response:
        secret = account_password_reset(by=api_user(request), user=self.get_object())
        response = Response({"one_time_password": secret})
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(
        request=None,
        responses=inline_serializer(
            "SecondFactorReset", fields={"removed": serializers.IntegerField()}
        ),
    )
    @action(detail=True, methods=["post"], url_path="reset-second-factor")
    def reset_second_factor(self, request: Request, pk: str | None = None) -> Response:
        removed = account_second_factor_reset(
            by=api_user(request), user=self.get_object(), request=request
        )
        return Response({"removed": removed})

    @extend_schema(request=RoleAssignSerializer, responses=AccountSerializer)
    @action(detail=True, methods=["post"], url_path="assign-role")
    def assign_role(self, request: Request, pk: str | None = None) -> Response:
        # The account and the right first: a caller who may not gets 403 (or 404), not the
        # body's 400.
        account = self.get_object()
        ensure_may(
            api_user(request),
            "accounts.user.assign_role",
            _("Only the security administrator assigns roles and scopes."),
        )
        serializer = RoleAssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        account = account_role_assign(
            by=api_user(request), user=account, **serializer.validated_data
        )
        return Response(AccountSerializer(account).data)
