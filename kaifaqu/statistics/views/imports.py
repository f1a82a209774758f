"""Importing a month of returns from a workbook: the form, the result, and the template."""

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
from kaifaqu.statistics.imports import (
    TEMPLATE_FILENAME,
    can_import_returns,
    returns_import,
    template_workbook,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UNITS = [
    (MoneyUnit.YUAN.value, "元"),
    (MoneyUnit.THOUSAND.value, "千元"),
    (MoneyUnit.WAN.value, "万元"),
]


class ReturnImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Workbook or CSV file"),
        help_text=gettext_lazy(
            "An .xlsx workbook (first sheet) or a .csv file, header in the first rows."
        ),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx,.csv"}),
    )
    unit = forms.ChoiceField(
        label=gettext_lazy("Money unit of the figures"),
        choices=UNITS,
        initial=MoneyUnit.THOUSAND.value,
        help_text=gettext_lazy(
            "As on the national forms, 千元; a unit in a column header, e.g. 营业收入(万元), wins."
        ),
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class _ImporterOnly(LoginRequiredMixin, View):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not can_import_returns(request.user):
            raise PermissionDenied(_("You may not import returns."))
        return super().dispatch(request, *args, **kwargs)


class ReturnImportView(_ImporterOnly):
    template_name = "statistics/return_import.html"

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
        response = HttpResponse(template_workbook(), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{TEMPLATE_FILENAME}"'
        return response
