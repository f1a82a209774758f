"""The Django admin shows the business models read-only: changes go through the services."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Model
from django.test import Client, RequestFactory
from django.urls import reverse

from kaifaqu.core.admin import ReadOnlyAdmin
from kaifaqu.core.permissions import Role

OUR_APPS = {"core", "geo", "enterprises", "returns", "indicators", "projects"}


def our_models() -> list[type[Model]]:
    return [model for model in admin.site._registry if model._meta.app_label in OUR_APPS]


def test_every_app_with_models_has_its_models_in_the_admin() -> None:
    labels = {model._meta.app_label for model in our_models()}
    assert labels == OUR_APPS


@pytest.mark.django_db
def test_the_admin_offers_no_add_change_or_delete_of_a_business_record() -> None:
    superuser = get_user_model().objects.create_superuser(
        "root", "root@example.cn", "x-x-x-x-1", role=Role.SYSTEM_ADMIN
    )
    request = RequestFactory().get("/")
    request.user = superuser
    for model in our_models():
        model_admin = admin.site._registry[model]
        assert isinstance(model_admin, ReadOnlyAdmin), model
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model


@pytest.mark.django_db
def test_a_system_administrator_can_look_returns_up_but_not_add_one(client: Client) -> None:
    superuser = get_user_model().objects.create_superuser(
        "root", "root@example.cn", "x-x-x-x-1", role=Role.SYSTEM_ADMIN
    )
    client.force_login(superuser)
    assert client.get(reverse("admin:returns_return_changelist")).status_code == 200
    assert client.get(reverse("admin:returns_return_add")).status_code == 403
