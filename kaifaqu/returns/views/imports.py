"""Importing from a workbook: a month of returns, or a month of tax and electricity figures."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from kaifaqu.core.lib.money import MoneyUnit
from kaifaqu.core.views.export import XLSX_TYPE
from kaifaqu.returns.imports import (
    TEMPLATE_FILENAME,
    can_import_returns,
    proxies,
    returns_import,
    template_workbook,
)

UNITS = [
    (MoneyUnit.YUAN.value, "元"),
    (MoneyUnit.THOUSAND.value, "千元"),
    (MoneyUnit.WAN.value, "万元"),
]


def upload_field() -> forms.FileField:
    return forms.FileField(
        label=gettext_lazy("Workbook or CSV file"),
        help_text=gettext_lazy(
            "An .xlsx workbook (first sheet) or a .csv file, header in the first rows."
        ),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx,.csv"}),
    )


class ReturnImportForm(forms.Form):
    file = upload_field()
    unit = forms.ChoiceField(
        label=gettext_lazy("Money unit of the figures"),
        choices=UNITS,
        initial=MoneyUnit.THOUSAND.value,
        help_text=gettext_lazy(
            "As on the national forms, 千元; a unit in a column header, e.g. 营业收入(万元), wins."
        ),
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class ProxyImportForm(forms.Form):
    file = upload_field()
    unit = forms.ChoiceField(
        label=gettext_lazy("Money unit of 应纳税额"),
        choices=UNITS,
        initial=MoneyUnit.WAN.value,
        help_text=gettext_lazy("A unit in the column header, e.g. 应纳税额(元), wins."),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    source = forms.CharField(
        label=gettext_lazy("Source"),
        required=False,
        max_length=200,
        help_text=gettext_lazy(
            "Written on the figures of rows without a 来源 of their own; the file's name when "
            "left empty."
        ),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class _ImporterOnly(LoginRequiredMixin, View):
    def may_import(self, user: Any) -> bool:
        return can_import_returns(user)

    def refusal(self) -> str:
        return _("You may not import returns.")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not self.may_import(request.user):
            raise PermissionDenied(self.refusal())
        return super().dispatch(request, *args, **kwargs)


class ReturnImportView(_ImporterOnly):
    template_name = "returns/return_import.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return TemplateResponse(request, self.template_name, {"form": ReturnImportForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ReturnImportForm(request.POST, request.FILES)
        context: dict[str, Any] = {"form": form}
        if form.is_valid():
            upload = form.cleaned_data["file"]
            result = returns_import(
                by=request.user,
                file=upload,
                filename=upload.name,
                unit=MoneyUnit(form.cleaned_data["unit"]),
            )
            context["result"] = result
        status = 400 if "result" in context and context["result"].errors else 200
        return TemplateResponse(request, self.template_name, context, status=status)


class ReturnImportTemplateView(_ImporterOnly):
    def get(self, request: HttpRequest) -> HttpResponse:
        response = HttpResponse(template_workbook(), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{TEMPLATE_FILENAME}"'
        return response


class _ProxyImporterOnly(_ImporterOnly):
    def may_import(self, user: Any) -> bool:
        return proxies.can_import_proxies(user)

    def refusal(self) -> str:
        return _("You may not import tax or electricity figures.")


class ProxyImportView(_ProxyImporterOnly):
    template_name = "returns/proxy_import.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return TemplateResponse(request, self.template_name, {"form": ProxyImportForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ProxyImportForm(request.POST, request.FILES)
        context: dict[str, Any] = {"form": form}
        if form.is_valid():
            upload = form.cleaned_data["file"]
            context["result"] = proxies.proxies_import(
                by=request.user,
                file=upload,
                filename=upload.name,
                unit=MoneyUnit(form.cleaned_data["unit"]),
                source=form.cleaned_data["source"],
            )
        status = 400 if "result" in context and context["result"].errors else 200
        return TemplateResponse(request, self.template_name, context, status=status)


class ProxyImportTemplateView(_ProxyImporterOnly):
    def get(self, request: HttpRequest) -> HttpResponse:
        response = HttpResponse(proxies.template_workbook(), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{proxies.TEMPLATE_FILENAME}"'
        return response
