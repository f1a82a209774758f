"""Importing a month of tax (应纳税额) or electricity (用电量) figures: all or nothing.

The tax bureau's and the grid's lists stand in for revenue of firms that do not report (上规入统).
They are read with the import framework (`core.imports`: tolerant headers, periods, USCC, units,
every bad row reported), with a `FormSpec` of their own and the returns' key checks; each row gives one figure per kind. Figures
equal to the stored ones are left alone: importing the same file again changes nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaifaqu.accounts.models import User
from kaifaqu.core.imports import ImportKind, ImportOption, ImportPage, ImportResult
from kaifaqu.core.imports.reading import Sheet
from kaifaqu.core.imports.units import ENERGY_UNITS
from kaifaqu.core.imports.views import ImportForm
from kaifaqu.core.lib.money import MoneyUnit
from kaifaqu.returns.imports.proxies import writer
from kaifaqu.returns.imports.proxies.spec import PROXIES, SOURCE_LENGTH, TEMPLATE
from kaifaqu.returns.imports.proxies.validation import prepare

__all__ = ["PROXIES_IMPORT", "proxies_import"]


def write(
    sheet: Sheet,
    *,
    by: User,
    filename: str,
    unit: MoneyUnit,
    electricity_unit: str = "万千瓦时",
    source: str = "",
    today: date | None = None,
) -> ImportResult:
    """Check every row of the list and, when none is wrong, write what differs."""
    today = today or timezone.localdate()
    with transaction.atomic():
        prepared = prepare(
            sheet,
            by=by,
            unit=unit,
            kwh=ENERGY_UNITS[electricity_unit],
            today=today,
            source=source.strip()[:SOURCE_LENGTH],
            file_name=filename[:SOURCE_LENGTH],
        )
        if prepared.errors:
            return ImportResult(rows=prepared.rows, errors=prepared.errors)
        if not prepared.figures.height:
            message = _("The file has no rows of figures below its header row.")
            return ImportResult.rejected(message, code="empty")
        plan = writer.plan(prepared.figures, writer.stored_figures(prepared.figures))
        writer.write(plan, by=by, now=timezone.now(), file_name=filename)
        return ImportResult(
            rows=prepared.rows,
            created=plan.created.height,
            updated=plan.updated.height,
            unchanged=plan.unchanged,
        )


class ProxyImportForm(ImportForm):
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

    def options(self) -> dict[str, Any]:
        return {**super().options(), "source": self.cleaned_data["source"]}


PROXIES_IMPORT = ImportKind(
    kind="proxies",
    spec=PROXIES,
    write=write,
    action="returns.import_proxies",
    refusal=gettext_lazy("You may not import tax or electricity figures."),
    template=TEMPLATE,
    template_url="returns:proxy-import-template",
    units=tuple(MoneyUnit),
    default_unit=MoneyUnit.WAN,
    electricity_units=tuple(ENERGY_UNITS),
    unit_label=gettext_lazy("Money unit of 应纳税额"),
    unit_help=gettext_lazy("A unit in the column header, e.g. 应纳税额(元), wins."),
    options=(
        ImportOption(
            name="source",
            help=gettext_lazy("Source written on rows without a 来源 (default: the file's name)."),
        ),
    ),
    form_class=ProxyImportForm,
    page=ImportPage(
        title=gettext_lazy("Import tax and electricity figures"),
        pretitle=gettext_lazy("Tax and electricity figures"),
        help=gettext_lazy(
            "The tax bureau's or the power grid's list of a month: one row per enterprise and "
            "month, found by its 统一社会信用代码 (or 纳税人识别号) and 报告期 (所属期: 2025-03, "
            "2025年3月, 202503 or 2025-03-01至2025-03-31), with 应纳税额, 用电量 or both, and "
            "optionally 来源. Headers are matched whatever their spacing, brackets or unit "
            "suffix; unknown columns are ignored."
        ),
        done=gettext_lazy(
            "%(rows)s rows read: %(created)s figures created, %(updated)s updated, "
            "%(unchanged)s unchanged."
        ),
        done_link=("returns:candidate-list", gettext_lazy("Candidates (上规入统)")),
        links=(("returns:proxy-list", gettext_lazy("Tax and electricity figures")),),
    ),
)
# proxies_import(*, by, file, filename, unit=万元, source="", today=None): import the figures of
# a workbook or CSV file; nothing is written when any row is wrong. `unit` is the money unit of
# 应纳税额 unless its header says otherwise; `source` is written on the figures of rows without a
# 来源; when neither is given, the file's name is written on new or changed figures only (a figure
# of the same value keeps the source it has). `by` None is the platform itself; a person must be
# a writer of proxy figures, in scope.
proxies_import = PROXIES_IMPORT.run
