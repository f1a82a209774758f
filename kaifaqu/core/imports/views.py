"""The upload page and the template download of every kind of import: one view of each, given
the kind (`ImportView.as_view(kind="returns")`), and one page template, `core/import.html`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy
from django.views import View

from kaifaqu.core.imports.registry import ImportKind, get_kind, run_import
from kaifaqu.core.imports.template import template_workbook
from kaifaqu.core.lib.money import MoneyUnit
from kaifaqu.core.permissions import AskingUser, user_may
from kaifaqu.core.views.export import XLSX_TYPE


class ImportForm(forms.Form):
    """The file and its money unit; a kind that asks for more subclasses it (its
    `form_class`), adds fields and says in `options()` what they give its writer."""

    file = forms.FileField(
        label=gettext_lazy("Workbook or CSV file"),
        help_text=gettext_lazy(
            "An .xlsx workbook (first sheet) or a .csv file, header in the first rows."
        ),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx,.csv"}),
    )
    unit = forms.ChoiceField(
        label=gettext_lazy("Money unit of the figures"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, kind: ImportKind, user: AskingUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.user = user
        unit: Any = self.fields["unit"]
        unit.choices = [(choice.value, choice.value) for choice in kind.units]
        unit.initial = kind.default_unit.value
        if kind.unit_label:
            unit.label = kind.unit_label
        unit.help_text = kind.unit_help

    def options(self) -> dict[str, Any]:
        """What the writer is given besides the file."""
        return {"unit": MoneyUnit(self.cleaned_data["unit"])}


class _KindView(LoginRequiredMixin, View):
    kind = ""  # set by as_view(kind=…)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.spec = get_kind(self.kind)
        if request.user.is_authenticated and not user_may(request.user, self.spec.action):
            raise PermissionDenied(str(self.spec.refusal))
        return super().dispatch(request, *args, **kwargs)


class ImportView(_KindView):
    """The upload form; after a post, every error of the file, or what was written."""

    template_name = "core/import.html"

    def form(self, request: HttpRequest, *args: Any) -> ImportForm:
        form_class = self.spec.form_class or ImportForm
        return form_class(*args, kind=self.spec, user=request.user)

    def render(
        self, request: HttpRequest, form: ImportForm, result: Any = None, status: int = 200
    ) -> HttpResponse:
        page = self.spec.page
        done = ""
        if result is not None and not result.errors:
            counts = {name: getattr(result, name) for name in ("rows", "created", "updated")}
            done = str(page.done) % {**counts, "unchanged": result.unchanged}
        context = {"form": form, "result": result, "page": page, "done": done, "kind": self.spec}
        return TemplateResponse(request, self.template_name, context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render(request, self.form(request))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.form(request, request.POST, request.FILES)
        if not form.is_valid():
            return self.render(request, form)
        upload = form.cleaned_data["file"]
        user = request.user
        if not user.is_authenticated:  # LoginRequiredMixin let no signed-out visitor this far
            raise PermissionDenied
        result = run_import(self.spec, by=user, file=upload, filename=upload.name, **form.options())
        return self.render(request, form, result, status=400 if result.errors else 200)


class ImportTemplateView(_KindView):
    """The kind's template workbook."""

    def get(self, request: HttpRequest) -> HttpResponse:
        template = self.spec.template
        response = HttpResponse(template_workbook(template), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{template.filename}"'
        return response
