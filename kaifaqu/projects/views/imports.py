"""Importing a zone's project ledger (项目台账) from a workbook, and its template."""

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
from kaifaqu.geo.models import Zone
from kaifaqu.projects.imports import can_import_projects, projects_import
from kaifaqu.projects.imports.template import TEMPLATE_FILENAME, template_workbook
from kaifaqu.returns.views.imports import upload_field

UNITS = [(unit.value, unit.value) for unit in MoneyUnit]


class ProjectImportForm(forms.Form):
    file = upload_field()
    zone = forms.ModelChoiceField(
        label=gettext_lazy("Zone"),
        queryset=Zone.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    unit = forms.ChoiceField(
        label=gettext_lazy("Money unit of the figures"),
        choices=UNITS,
        initial=MoneyUnit.WAN.value,
        help_text=gettext_lazy("A unit in a column header, e.g. 总投资(亿元), wins."),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zones = Zone.objects.for_user(user).order_by("name")
        field: Any = self.fields["zone"]
        field.queryset = zones
        if len(zones) == 1:
            # A zone's or a park's staff import into their own zone: nothing to choose.
            field.initial = zones[0]
            field.widget = forms.HiddenInput()


class _ImporterOnly(LoginRequiredMixin, View):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not can_import_projects(request.user):
            raise PermissionDenied(_("You may not import projects."))
        return super().dispatch(request, *args, **kwargs)


class ProjectImportView(_ImporterOnly):
    template_name = "projects/project_import.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        form = ProjectImportForm(user=request.user)
        return TemplateResponse(request, self.template_name, {"form": form})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ProjectImportForm(request.POST, request.FILES, user=request.user)
        context: dict[str, Any] = {"form": form}
        if form.is_valid():
            upload = form.cleaned_data["file"]
            context["result"] = projects_import(
                by=request.user,
                zone=form.cleaned_data["zone"],
                file=upload,
                filename=upload.name,
                unit=MoneyUnit(form.cleaned_data["unit"]),
            )
        status = 400 if "result" in context and context["result"].errors else 200
        return TemplateResponse(request, self.template_name, context, status=status)


class ProjectImportTemplateView(_ImporterOnly):
    def get(self, request: HttpRequest) -> HttpResponse:
        response = HttpResponse(template_workbook(), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{TEMPLATE_FILENAME}"'
        return response
