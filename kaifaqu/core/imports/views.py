"""The upload page and the template download of every kind of import: one view of each, given
the kind (`ImportView.as_view(kind="returns")`), and one page template, `core/import.html`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from kaifaqu.core.imports.background import JOB_LABEL, import_start, in_background, result_of
from kaifaqu.core.imports.guard import MB, Limits
from kaifaqu.core.imports.registry import ImportKind, get_kind, run_import
from kaifaqu.core.imports.template import template_workbook
from kaifaqu.core.lib.money import MoneyUnit
from kaifaqu.core.models import JobProgress
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
        if kind.units:
            unit.choices = [(choice.value, choice.value) for choice in kind.units]
            unit.initial = kind.default_unit.value
            if kind.unit_label:
                unit.label = kind.unit_label
            unit.help_text = kind.unit_help
        else:  # a file without money (a roster): nothing to choose
            del self.fields["unit"]
        if kind.electricity_units:
            self.fields["electricity_unit"] = forms.ChoiceField(
                label=gettext_lazy("Unit of electricity"),
                choices=[(name, name) for name in kind.electricity_units],
                initial=kind.electricity_units[0],
                required=False,  # the default unit when none is chosen
                help_text=gettext_lazy(
                    "A unit in a column header, e.g. 用电量(千瓦时), wins over this choice."
                ),
                widget=forms.Select(attrs={"class": "form-select"}),
            )

    def clean_file(self) -> Any:
        """A file over the size limit is refused here, before it is queued or kept; everything
        else about it is the guarded reader's (core/imports/guard.py)."""
        upload = self.cleaned_data["file"]
        limit = Limits.from_settings().max_bytes
        if upload is not None and upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(max)s MB.") % {"max": limit // MB}
            )
        return upload

    def options(self) -> dict[str, Any]:
        """What the writer is given besides the file."""
        options: dict[str, Any] = {}
        if self.kind.units:
            options["unit"] = MoneyUnit(self.cleaned_data["unit"])
        if self.kind.electricity_units:
            chosen = self.cleaned_data.get("electricity_unit")
            options["electricity_unit"] = chosen or self.kind.electricity_units[0]
        return options


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
        self,
        request: HttpRequest,
        form: ImportForm,
        result: Any = None,
        status: int = 200,
        error_total: int | None = None,
    ) -> HttpResponse:
        page = self.spec.page
        done = ""
        if result is not None and not result.errors:
            counts = {name: getattr(result, name) for name in ("rows", "created", "updated")}
            done = str(page.done) % {**counts, "unchanged": result.unchanged}
        errors = len(result.errors) if result is not None else 0
        context = {
            "form": form,
            "result": result,
            "page": page,
            "done": done,
            "kind": self.spec,
            # A background import keeps the first ERRORS_KEPT errors of a file with more.
            "error_total": errors if error_total is None else error_total,
            "errors_left_out": (error_total or errors) - errors,
        }
        return TemplateResponse(request, self.template_name, context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        if "job" in request.GET:
            return self.job(request, request.GET["job"])
        return self.render(request, self.form(request))

    def post(self, request: HttpRequest) -> HttpResponseBase:
        form = self.form(request, request.POST, request.FILES)
        if not form.is_valid():
            return self.render(request, form)
        upload = form.cleaned_data["file"]
        user = request.user
        if not user.is_authenticated:  # LoginRequiredMixin let no signed-out visitor this far
            raise PermissionDenied
        if in_background(upload.size):
            job = import_start(self.spec, by=user, upload=upload, options=form.options())
            return HttpResponseRedirect(f"{request.path}?job={job.task_id}")
        result = run_import(self.spec, by=user, file=upload, filename=upload.name, **form.options())
        return self.render(request, form, result, status=400 if result.errors else 200)

    def job(self, request: HttpRequest, task_id: str) -> HttpResponse:
        """A file imported in the background: its progress (redrawn by htmx until it is done),
        then its result; only for whoever uploaded it."""
        job = get_object_or_404(
            JobProgress,
            task_id=task_id,
            user=request.user,
            label=JOB_LABEL.format(kind=self.spec.kind),
        )
        if request.GET.get("partial"):
            if job.finished_at is not None:
                response = HttpResponse(status=204)
                response["HX-Redirect"] = f"{request.path}?job={job.task_id}"
                return response
            return TemplateResponse(request, "core/_import_progress.html", {"job": job})
        if job.finished_at is None or job.outcome is None:
            context = {"page": self.spec.page, "kind": self.spec, "job": job}
            return TemplateResponse(request, self.template_name, context)
        result = result_of(job.outcome)
        return self.render(
            request, self.form(request), result, error_total=job.outcome["error_count"]
        )


class ImportTemplateView(_KindView):
    """The kind's template workbook."""

    def get(self, request: HttpRequest) -> HttpResponse:
        template = self.spec.template
        response = HttpResponse(template_workbook(template), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{template.filename}"'
        return response
