"""Pages of the three administrators: the accounts (system and security administrators, read by
the audit administrator) and the history of every data change (audit administrator)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kaifaqu.accounts.administration.filters import AccountFilter, ChangeFilter
from kaifaqu.accounts.forms import AccountCreateForm, RoleAssignForm
from kaifaqu.accounts.http import AuthenticatedHttpRequest
from kaifaqu.accounts.models import User
from kaifaqu.accounts.selectors import account_get, account_list, change_history
from kaifaqu.accounts.services import (
    account_create,
    account_disable,
    account_enable,
    account_password_reset,
    account_role_assign,
    account_second_factor_reset,
)
from kaifaqu.core.forms import style_filter_form
from kaifaqu.core.permissions import ensure_may
from kaifaqu.core.views.export import xlsx_download
from kaifaqu.core.views.history import ChangeRow, FieldChange, change_rows
from kaifaqu.core.views.registry import paginate
from kaifaqu.core.views.tables import Column

# The export of the change history: one row per changed field, so a spreadsheet can filter it.
CHANGE_COLUMNS = [
    Column(
        "when",
        gettext_lazy("Time"),
        lambda c: timezone.localtime(c[0].row.when).strftime("%Y-%m-%d %H:%M:%S"),
    ),
    Column("actor", gettext_lazy("Changed by"), lambda c: c[0].row.actor),
    Column("action", gettext_lazy("Action"), lambda c: c[0].row.action),
    Column("kind", gettext_lazy("Kind of record"), lambda c: c[0].kind),
    Column("object_pk", gettext_lazy("Record id"), lambda c: c[0].object_pk),
    Column("object", gettext_lazy("Record"), lambda c: c[0].object_repr),
    Column("field", gettext_lazy("Field"), lambda c: c[1].label if c[1] else ""),
    Column("before", gettext_lazy("Before"), lambda c: c[1].before if c[1] else ""),
    Column("after", gettext_lazy("After"), lambda c: c[1].after if c[1] else ""),
    Column("address", gettext_lazy("IP address"), lambda c: c[0].row.remote_addr),
    Column("request_id", gettext_lazy("Request ID"), lambda c: c[0].row.cid),
]
# An export of the whole history at once would be unbounded; the filter narrows it first.
CHANGE_EXPORT_LIMIT = 50_000


def _account_or_404(user: User, pk: int) -> User:
    account = account_get(user=user, pk=pk)
    if account is None:
        raise Http404
    return account


@login_required
def account_list_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    filterset = AccountFilter(request.GET or None, queryset=account_list(user=request.user))
    style_filter_form(filterset.form)
    return render(
        request,
        "accounts/account_list.html",
        {"filter": filterset, **paginate(filterset.qs, request.GET.get("page"))},
    )


@login_required
def account_create_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    ensure_may(
        request.user, "accounts.user.add", _("Only the system administrator creates accounts.")
    )
    form = AccountCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account, secret = account_create(
                by=request.user,
                username=form.cleaned_data["username"],
                full_name=form.cleaned_data["full_name"],
                email=form.cleaned_data["email"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _one_time_password_page(request, account, secret, created=True)
    return render(request, "accounts/account_form.html", {"form": form})


def _one_time_password_page(
    request: AuthenticatedHttpRequest, account: User, secret: str, *, created: bool
) -> HttpResponse:
    # Shown once, never stored in the clear nor sent by the platform: the administrator hands it
    # over in person or by the office's channel; the holder must change it at first sign-in.
    response = render(
        request,
        "accounts/one_time_password.html",
        {"account": account, "secret": secret, "created": created},
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def account_detail_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    account = _account_or_404(request.user, pk)
    return render(request, "accounts/account_detail.html", {"account": account})


@login_required
@require_POST
def account_status_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    account = _account_or_404(request.user, pk)
    try:
        if action == "disable":
            account_disable(by=request.user, user=account)
            messages.success(request, _("%(user)s is disabled.") % {"user": account.get_username()})
        elif action == "enable":
            account_enable(by=request.user, user=account)
            messages.success(request, _("%(user)s is enabled.") % {"user": account.get_username()})
        elif action == "reset-second-factor":
            removed = account_second_factor_reset(by=request.user, user=account, request=request)
            messages.success(
                request,
                _(
                    "%(count)s second-factor device(s) of %(user)s removed; they set one up again at the next sign-in."
                )
                % {"count": removed, "user": account.get_username()},
            )
        elif action == "reset-password":
            secret = account_password_reset(by=request.user, user=account)
            return _one_time_password_page(request, account, secret, created=False)
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("accounts:account-detail", pk=account.pk)


@login_required
def account_role_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ensure_may(
        request.user,
        "accounts.user.assign_role",
        _("Only the security administrator assigns roles and scopes."),
    )
    account = _account_or_404(request.user, pk)
    initial: dict[str, Any] = {
        "role": account.role,
        "scope_region": account.scope_region,
        "scope_zone": account.scope_zone,
        "scope_park": account.scope_park,
        "scope_enterprise": account.scope_enterprise.uscc if account.scope_enterprise else "",
    }
    form = RoleAssignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            account_role_assign(by=request.user, user=account, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("%(user)s now works as %(role)s.")
                % {
                    "user": account.get_username(),
                    "role": account.get_role_display() or _("no role"),
                },
            )
            return redirect("accounts:account-detail", pk=account.pk)
    return render(request, "accounts/account_role.html", {"account": account, "form": form})


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def change_history_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    entries = change_history(user=request.user)
    filterset = ChangeFilter(request.GET or None, queryset=entries)
    style_filter_form(filterset.form)
    if request.GET.get("export") == "xlsx":
        ensure_may(
            request.user,
            "accounts.read_change_history",
            _("Only the audit administrator exports the history of data changes."),
        )
        rows = change_rows(filterset.qs[:CHANGE_EXPORT_LIMIT])
        return xlsx_download(
            request=request,
            filename="data-changes.xlsx",
            sheets=[(_("Data changes"), CHANGE_COLUMNS, _flatten(rows))],
            what="data changes",
        )
    page = paginate(filterset.qs, request.GET.get("page"))
    return render(
        request,
        "accounts/change_history.html",
        {"filter": filterset, **page, "rows": change_rows(page["page_obj"].object_list)},
    )


def _flatten(rows: list[ChangeRow]) -> list[tuple[ChangeRow, FieldChange | None]]:
    flat: list[tuple[ChangeRow, FieldChange | None]] = []
    for row in rows:
        changes: list[FieldChange | None] = [*row.row.changes] or [None]
        flat.extend((row, change) for change in changes)
    return flat
