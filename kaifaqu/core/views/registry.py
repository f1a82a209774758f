"""The skeleton every registry page shares: list, export, detail, history, create and edit.

A registry's app declares what differs (a `Registry`: model, selector, FilterSet, columns, form,
services, detail view) and `Registry.urls()` hands it to each of these views as `registry`. Pages
of another kind (the roster, statistics returns) subclass them and set `model`, `get_queryset()`,
`columns`… themselves, which take precedence over the registry. A record outside the user's
scope is never found, so it is a 404, and nothing on a page tells whether it exists.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import django_filters
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import models
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_htmx.middleware import HtmxDetails

from kaifaqu.core.audit import history_for
from kaifaqu.core.forms import add_service_errors, mark_invalid, style_filter_form
from kaifaqu.core.imports.registry import get_kind
from kaifaqu.core.permissions import AskingUser, can_create, can_write, user_may
from kaifaqu.core.views.export import xlsx_download
from kaifaqu.core.views.history import history_rows
from kaifaqu.core.views.tables import Column, table_rows

if TYPE_CHECKING:
    from kaifaqu.core.views.declared import Registry

PAGE_SIZE = 50
RESULTS_TARGET = "registry-results"


def paginate(queryset: Any, number: str | None) -> dict[str, Any]:
    """A page of PAGE_SIZE rows and the page numbers to link, with gaps elided."""
    page: Page[Any] = Paginator(queryset, PAGE_SIZE).get_page(number)
    numbers = list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return {"page_obj": page, "page_numbers": numbers}


def may_open_import(user: AskingUser, url_name: str) -> bool:
    """Whether `user` may use the page `url_name` when it is an import page: its kind's action
    in the permission table decides, which may be narrower than creating one record (a park's
    service centre registers its park's projects but does not import a zone's ledger)."""
    kind = getattr(resolve(reverse(url_name)).func, "view_initkwargs", {}).get("kind")
    return kind is None or user_may(user, get_kind(kind).action)


class RegistryRequest(HttpRequest):
    htmx: HtmxDetails


def scope_filter_choices(filterset: django_filters.FilterSet, user: AskingUser) -> None:
    """Choices of zone, park… in a filter are only those the user can see."""
    for filter_ in filterset.filters.values():
        queryset = getattr(filter_, "queryset", None)
        if isinstance(queryset, models.QuerySet) and hasattr(queryset, "for_user"):
            filter_.queryset = queryset.for_user(user)


def scoped_filterset(
    filterset_class: type[django_filters.FilterSet], request: Any, queryset: models.QuerySet[Any]
) -> django_filters.FilterSet:
    """The filters of a page over `queryset`, their choices limited to the user's scope."""
    filterset = filterset_class(request.GET, queryset=queryset, request=request)
    scope_filter_choices(filterset, request.user)
    style_filter_form(filterset.form)
    return filterset


def filtered_rows(filterset: django_filters.FilterSet) -> models.QuerySet[Any]:
    # A filter the user may not use (say, another zone's id) shows nothing rather than everything.
    rows: models.QuerySet[Any] = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    return rows


class RegistryView(LoginRequiredMixin, View):
    request: RegistryRequest
    # Given by `Registry.urls()`. What the views take from it (model, selector, filterset_class,
    # columns, form_class…) a subclass may set or override itself; a view with no registry must.
    registry: Registry | None = None

    def declared(self) -> Registry:
        if self.registry is None:
            raise ImproperlyConfigured(
                f"{type(self).__name__} has no registry: route it with Registry.urls() or "
                "set model and define get_queryset()."
            )
        return self.registry

    @property
    def model(self) -> type[models.Model]:
        return self.declared().model

    def get_queryset(self) -> models.QuerySet[Any]:
        """The app's selector: what this user may see, with what the page needs joined."""
        return self.declared().selector(user=self.request.user)

    def url_name(self, action: str) -> str:
        meta = self.model._meta
        return f"{meta.app_label}:{meta.model_name}-{action}"

    def registry_context(self) -> dict[str, Any]:
        meta = self.model._meta
        user = self.request.user
        return {
            "model_name": capfirst(str(meta.verbose_name)),
            "model_name_plural": capfirst(str(meta.verbose_name_plural)),
            "list_url": reverse(self.url_name("list")),
            "create_url": reverse(self.url_name("create"))
            if can_create(user, self.model)
            else None,
            "list_links": [
                (reverse(name), label)
                for name, label in (self.registry.list_links if self.registry else ())
            ],
            # Pages that write records (an import), for those who may create them.
            "create_links": [
                (reverse(name), label)
                for name, label in (self.registry.create_links if self.registry else ())
                if may_open_import(user, name)
            ]
            if can_create(user, self.model)
            else [],
        }

    def render(
        self, template_name: str | Sequence[str], context: dict[str, Any], status: int = 200
    ) -> TemplateResponse:
        return TemplateResponse(
            self.request, template_name, {**self.registry_context(), **context}, status=status
        )


class RegistryListView(RegistryView):
    template_name = "core/list.html"
    results_template_name = "core/_list_results.html"

    @property
    def filterset_class(self) -> type[django_filters.FilterSet]:
        return self.declared().filterset_class

    @property
    def columns(self) -> Sequence[Column]:
        return self.declared().columns

    @property
    def export_columns(self) -> Sequence[Column] | None:
        """The workbook's columns when it says more than the page; None: the page's columns."""
        return self.registry.export_columns if self.registry is not None else None

    def get_filterset(self) -> django_filters.FilterSet:
        return scoped_filterset(self.filterset_class, self.request, self.get_queryset())

    def current_sort(self) -> str:
        """The `?sort=` asked for, if it names a sortable column; otherwise none."""
        requested = self.request.GET.get("sort", "")
        sortable = {column.name for column in self.columns if column.sort}
        return requested if requested.lstrip("-") in sortable else ""

    def filtered_queryset(self, filterset: django_filters.FilterSet) -> models.QuerySet[Any]:
        queryset = filtered_rows(filterset)
        sort = self.current_sort()
        if sort:
            by_name = {column.name: column.sort for column in self.columns if column.sort}
            field = by_name[sort.lstrip("-")]
            ordering = [f"-{field}" if sort.startswith("-") else field]
        else:
            ordering = list(self.model._meta.ordering or [])
        # The primary key breaks ties, so a row never appears on two pages.
        return queryset.order_by(*ordering, "pk")

    def header(self) -> list[dict[str, Any]]:
        sort = self.current_sort()
        headers = []
        for column in self.columns:
            direction = None
            if column.sort and sort.lstrip("-") == column.name:
                direction = "desc" if sort.startswith("-") else "asc"
            headers.append(
                {
                    "label": column.label,
                    "numeric": column.numeric,
                    "sortable": bool(column.sort),
                    "direction": direction,
                    "next_sort": column.name if direction != "asc" else f"-{column.name}",
                }
            )
        return headers

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        filterset = self.get_filterset()
        queryset = self.filtered_queryset(filterset)
        pages = paginate(queryset, self.request.GET.get("page"))
        context = {
            **pages,
            "filterset": filterset,
            "filter_form": filterset.form,
            "searching": any(
                value for key, value in self.request.GET.items() if key not in {"page", "sort"}
            ),
            "header": self.header(),
            "rows": table_rows(self.columns, pages["page_obj"].object_list),
            "export_url": reverse(self.url_name("export")),
            "results_target": RESULTS_TARGET,
            "results_template": self.results_template_name,
        }
        htmx = self.request.htmx
        # Only the table is redrawn when the filter form asks; a history restore needs the page.
        if htmx and htmx.target == RESULTS_TARGET and not htmx.history_restore_request:
            return self.render(self.results_template_name, context)
        return self.render(self.template_name, context)


class RegistryExportView(RegistryListView):
    """The current list, filtered and sorted the same way, as an Excel workbook; logged."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        filterset = self.get_filterset()
        queryset = self.filtered_queryset(filterset)
        meta = self.model._meta
        return xlsx_download(
            request=self.request,
            filename=f"{meta.model_name}-{timezone.localdate():%Y%m%d}.xlsx",
            what=meta.label_lower,
            sheets=[
                (
                    capfirst(str(meta.verbose_name_plural)),
                    self.export_columns or self.columns,
                    queryset.iterator(chunk_size=2000),
                )
            ],
        )


class RegistryObjectView(RegistryView):
    """A view of one record the user can see; tabs lead to its details and history."""

    def get_queryset(self) -> models.QuerySet[Any]:
        registry = self.declared()
        selector = registry.object_selector or registry.selector
        return selector(user=self.request.user)

    def get_object(self) -> Any:
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def edit_url(self, obj: Any) -> str | None:
        """Where the record's edit form is; None hides the button (for records changed elsewhere)."""
        if not can_write(self.request.user, self.model):
            return None
        return reverse(self.url_name("edit"), args=[obj.pk])

    def object_context(self, obj: Any, tab: str) -> dict[str, Any]:
        return {
            "object": obj,
            "tab": tab,
            "tabs": [
                {
                    "key": "details",
                    "label": gettext_lazy("Details"),
                    "url": reverse(self.url_name("detail"), args=[obj.pk]),
                },
                *(
                    {"key": key, "label": label, "url": reverse(url_name, args=[obj.pk])}
                    for key, url_name, label, shown in (
                        self.registry.object_tabs if self.registry else ()
                    )
                    if shown is None or shown(self.request.user)
                ),
                {
                    "key": "history",
                    "label": gettext_lazy("History"),
                    "url": reverse(self.url_name("history"), args=[obj.pk]),
                },
            ],
            "edit_url": self.edit_url(obj),
        }


class RegistryDetailView(RegistryObjectView):
    template_name: str

    def get_context_data(self, obj: Any) -> dict[str, Any]:
        return {}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        obj = self.get_object()
        context = {**self.object_context(obj, "details"), **self.get_context_data(obj)}
        return self.render(self.template_name, context)


class RegistryHistoryView(RegistryObjectView):
    template_name = "core/history.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        obj = self.get_object()
        pages = paginate(history_for(obj), self.request.GET.get("page"))
        context = {
            **self.object_context(obj, "history"),
            **pages,
            "entries": history_rows(self.model, pages["page_obj"].object_list),
        }
        return self.render(self.template_name, context)


class RegistryFormMixin(RegistryView):
    """Forms check input; the app's service writes, and its refusals come back as form errors."""

    template_name = "core/form.html"

    @property
    def form_class(self) -> type[Any]:
        return self.declared().form_class

    def get_form(self, **kwargs: Any) -> Any:
        data = self.request.POST if self.request.method == "POST" else None
        return self.form_class(data=data, user=self.request.user, **kwargs)

    def saved(self, obj: models.Model, message: str) -> HttpResponseRedirect:
        messages.success(self.request, message)
        return HttpResponseRedirect(obj.get_absolute_url())  # type: ignore[attr-defined]


class RegistryCreateView(RegistryFormMixin):
    def create(self, form: Any) -> models.Model:
        """The app's `<entity>_create` service, by the user."""
        return self.declared().create(by=self.request.user, data=form.cleaned_data)

    def form_context(self, form: Any) -> dict[str, Any]:
        mark_invalid(form)
        kind = str(self.model._meta.verbose_name)
        return {
            "form": form,
            "title": _("New %(kind)s") % {"kind": kind},
            "cancel_url": reverse(self.url_name("list")),
        }

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not can_create(request.user, self.model):
            raise PermissionDenied(_("You may not create this kind of record."))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return self.render(self.template_name, self.form_context(self.get_form()))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        form = self.get_form()
        if form.is_valid():
            try:
                obj = self.create(form)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return self.saved(obj, _("“%(name)s” was created.") % {"name": obj})
        return self.render(self.template_name, self.form_context(form))


class RegistryEditView(RegistryFormMixin, RegistryObjectView):
    def update(self, obj: Any, form: Any) -> models.Model:
        """The app's `<entity>_update` service, by the user; it names the record after its model
        (`zone_update(by=…, zone=…, data=…)`)."""
        record = {str(self.model._meta.model_name): obj}
        return self.declared().update(by=self.request.user, **record, data=form.cleaned_data)

    def get_editable_object(self) -> Any:
        obj = self.get_object()
        if not can_write(self.request.user, self.model):
            raise PermissionDenied(_("You may not change this record."))
        return obj

    def form_context(self, obj: Any, form: Any) -> dict[str, Any]:
        mark_invalid(form)
        return {
            "form": form,
            "object": obj,
            "title": _("Edit “%(name)s”") % {"name": obj},
            "cancel_url": obj.get_absolute_url(),
        }

    def get_form_for(self, obj: Any) -> Any:
        # The form checks a copy: the service compares the stored record with the new values.
        return self.get_form(instance=copy.copy(obj))

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        obj = self.get_editable_object()
        return self.render(self.template_name, self.form_context(obj, self.get_form_for(obj)))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        obj = self.get_editable_object()
        form = self.get_form_for(obj)
        if form.is_valid():
            try:
                obj = self.update(obj, form)
            except ValidationError as error:
                add_service_errors(form, error)
                # The service may have set values on the record before refusing; show it as stored.
                obj = self.get_object()
            else:
                return self.saved(obj, _("“%(name)s” was saved.") % {"name": obj})
        return self.render(self.template_name, self.form_context(obj, form))
