"""Importing value-added rates and price indexes (PPI) from a workbook or CSV file: all or nothing.

A statistics office receives them as tables (省统计局's 增加值率 by division, the monthly PPI by
division). Each row goes through the same services as the pages (`value_added_rate_create`,
`price_index_create` and their updates), so every rule applies, the province rule included (a
statistician writes the zone's province only); a row for a province, division and year (month)
already entered updates it. Each row runs in a savepoint so that every bad row is reported; when
one fails the whole import is rolled back. The indicator table is rebuilt once, after the rows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaifaqu.accounts.models import User
from kaifaqu.core.imports import ImportKind, ImportPage, ImportResult, RowError
from kaifaqu.core.imports import values as cells
from kaifaqu.core.imports.reading import ROW, Sheet
from kaifaqu.core.imports.views import ImportForm
from kaifaqu.core.lib.money import MoneyUnit
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.models import IndustryClass
from kaifaqu.core.permissions import ScopeLevel
from kaifaqu.geo.models import Region, RegionLevel
from kaifaqu.indicators.imports import spec
from kaifaqu.indicators.imports.template import PRICE_INDEX_TEMPLATE, RATES_TEMPLATE
from kaifaqu.indicators.models import PriceIndex, ValueAddedRate
from kaifaqu.indicators.selectors.rates import own_province
from kaifaqu.indicators.services import (
    price_index_create,
    price_index_update,
    value_added_rate_create,
    value_added_rate_update,
)
from kaifaqu.indicators.services.inputs import deflate_again
from kaifaqu.indicators.services.rates import revalue_from

__all__ = ["PRICE_INDEX_IMPORT", "RATES_IMPORT", "price_indexes_import", "rates_import"]

# A table of rates or indexes is a few hundred rows; more is not such a table.
MAX_ROWS = 20_000

Parsed = tuple[dict[str, Any], Any]  # (the service's data, the key of the record it may update)


class _Rows:
    """Reading one file's rows: its columns by target, and the provinces it names."""

    def __init__(self, sheet: Sheet, form: Any, by: User | None) -> None:
        self.form = form
        # A blank 省份: the user's own province (a statistician's zone's); for the platform's
        # administrator, none (a national rate; an index then lacks its province).
        everywhere = by is None or by.scope.level == ScopeLevel.ALL
        self.default_province = None if everywhere else own_province(by)
        self.columns = {column.target: column for column in reversed(sheet.columns)}
        self.provinces = {
            key: region
            for region in Region.objects.filter(level=RegionLevel.PROVINCE)
            for key in (region.code, region.code[:2], region.name)
        }

    def cell(self, row: dict[str, Any], target: str) -> object:
        column = self.columns.get(target)
        return None if column is None else row.get(f"c{column.index}")

    def header(self, target: str) -> str:
        if not target:
            return ""
        column = self.columns.get(target)
        return column.header if column is not None else self.form.title(target)

    def missing(self) -> list[str]:
        return [
            self.form.title(target) for target in self.form.required if target not in self.columns
        ]

    def province(self, row: dict[str, Any]) -> Region | None:
        text = cells.text_of(self.cell(row, spec.PROVINCE))
        if not text:
            return self.default_province
        region = self.provinces.get(text)
        if region is None:
            raise cells.CellError(
                _("“%(text)s” is not a province; write its code (140000) or its name (山西省).")
                % {"text": text}
            )
        return region


def _rate_of(value: object) -> Decimal:
    """0.2850, or 28.5% as a percentage."""
    text = cells.text_of(value)
    if text.endswith("%"):
        return (cells.decimal_of(text[:-1]) / 100).quantize(Decimal("0.0001"))
    return cells.decimal_of(value)


def _division_of(value: object) -> str:
    text = cells.text_of(value)
    return text.zfill(2) if text.isdigit() and len(text) <= 2 else text


# The column of a service's error on a model field.
_TARGET_OF_FIELD = {
    "region": spec.PROVINCE,
    "division": spec.DIVISION,
    "year": spec.YEAR,
    "rate": spec.RATE,
    "period": spec.PERIOD,
    "value": spec.VALUE,
    "source": spec.SOURCE,
    "note": spec.NOTE,
}


def _errors_of(error: Exception) -> list[tuple[str, str]]:
    """(target, message) of a service's refusal: a field's column, else the province's (the
    province rule) or none."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        return [
            (_TARGET_OF_FIELD.get(name, ""), str(message))
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    if isinstance(error, ValidationError):
        return [("", str(message)) for message in error.messages]
    return [(spec.PROVINCE, str(error))]


def _write_rows(
    sheet: Sheet,
    *,
    by: User | None,
    form: Any,
    parse: Callable[[_Rows, dict[str, Any], Callable[[str, str], None]], Parsed | None],
    save: Callable[[dict[str, Any], Any], str],
) -> tuple[ImportResult, list[Any]]:
    """Every row through `parse` and `save` (created/updated/unchanged), each in a savepoint;
    all rolled back when one fails. Gives the result and what was saved."""
    if sheet.frame.height > MAX_ROWS:
        return ImportResult.rejected(
            _("The file has %(rows)s rows; at most %(max)s are read.")
            % {"rows": sheet.frame.height, "max": MAX_ROWS}
        ), []
    reader = _Rows(sheet, form, by)
    missing = reader.missing()
    if missing:
        return ImportResult.rejected(
            _("The file has no column %(columns)s.") % {"columns": "、".join(missing)}
        ), []
    rows = [
        row
        for row in sheet.frame.iter_rows(named=True)
        if not all(cells.is_empty(value) for key, value in row.items() if key != ROW)
    ]
    if not rows:
        return ImportResult.rejected(_("The file has no rows below its header.")), []
    result = ImportResult(rows=len(rows))
    saved: list[Any] = []
    seen: dict[Any, int] = {}
    with transaction.atomic():
        for row in rows:
            number = int(row[ROW])

            def fail(target: str, message: str, number: int = number) -> None:
                result.errors.append(RowError(number, reader.header(target), "invalid", message))

            parsed = parse(reader, row, fail)
            if parsed is None:
                continue
            data, key = parsed
            if key in seen:
                fail(
                    "",
                    _("The same record is already in row %(row)s of this file.")
                    % {"row": seen[key]},
                )
                continue
            seen[key] = number
            try:
                with transaction.atomic():
                    outcome = save(data, key)
            except (ValidationError, PermissionDenied) as error:
                for target, message in _errors_of(error):
                    fail(target, message)
                continue
            setattr(result, outcome, getattr(result, outcome) + 1)
            saved.append(data)
        if result.errors:
            transaction.set_rollback(True)
            result.created = result.updated = result.unchanged = 0
            saved = []
    result.errors.sort()
    return result, saved


def _text_fields(reader: _Rows, row: dict[str, Any]) -> dict[str, str]:
    return {
        "source": cells.text_of(reader.cell(row, spec.SOURCE)),
        "note": cells.text_of(reader.cell(row, spec.NOTE)),
    }


def _changes(record: Any, data: dict[str, Any]) -> bool:
    return any(getattr(record, name) != value for name, value in data.items())


# --- value-added rates ---------------------------------------------------------------------------


def write_rates(sheet: Sheet, *, by: User | None, filename: str, unit: MoneyUnit) -> ImportResult:
    def parse(
        reader: _Rows, row: dict[str, Any], fail: Callable[[str, str], None]
    ) -> Parsed | None:
        data: dict[str, Any] = _text_fields(reader, row)
        failed = False
        readers: dict[str, Callable[[object], Any]] = {
            spec.PROVINCE: lambda _value: reader.province(row),
            spec.DIVISION: _division_of,
            spec.YEAR: cells.whole_of,
            spec.RATE: _rate_of,
        }
        for target, read in readers.items():
            try:
                value = read(reader.cell(row, target))
            except cells.CellError as error:
                fail(target, error.message)
                failed = True
                continue
            data["region" if target == spec.PROVINCE else target] = value
        if failed:
            return None
        return data, (data["region"], data["division"], data["year"])

    def save(data: dict[str, Any], key: Any) -> str:
        region, code, year = key
        existing = ValueAddedRate.objects.filter(region=region, division_id=code, year=year).first()
        data = {**data, "division": _division(code)}
        if existing is None:
            value_added_rate_create(by=by, data=data, rebuild=False)
            return "created"
        if not _changes(existing, data):
            return "unchanged"
        value_added_rate_update(by=by, valueaddedrate=existing, data=data, rebuild=False)
        return "updated"

    result, saved = _write_rows(sheet, by=by, form=spec.RATES, parse=parse, save=save)
    if saved:
        revalue_from(min(data["year"] for data in saved))
    return result


def _division(code: str) -> IndustryClass:
    division = IndustryClass.objects.filter(code=code).first()
    if division is None:
        raise ValidationError({"division": _("“%(code)s” is not a division.") % {"code": code}})
    return division


# --- price indexes -------------------------------------------------------------------------------


def write_price_indexes(
    sheet: Sheet, *, by: User | None, filename: str, unit: MoneyUnit
) -> ImportResult:
    def parse(
        reader: _Rows, row: dict[str, Any], fail: Callable[[str, str], None]
    ) -> Parsed | None:
        data: dict[str, Any] = _text_fields(reader, row)
        failed = False
        try:
            data["region"] = reader.province(row)
        except cells.CellError as error:
            fail(spec.PROVINCE, error.message)
            failed = True
        period_text = cells.text_of(reader.cell(row, spec.PERIOD))
        try:
            data["period"] = _month_of(reader.cell(row, spec.PERIOD))
        except ValueError:
            fail(
                spec.PERIOD,
                _("“%(text)s” is not a month; write it as 2025-03 or 2025年3月.")
                % {"text": period_text},
            )
            failed = True
        data["division"] = _division_of(reader.cell(row, spec.DIVISION))
        try:
            data["value"] = cells.decimal_of(reader.cell(row, spec.VALUE))
        except cells.CellError as error:
            fail(spec.VALUE, error.message)
            failed = True
        if failed:
            return None
        return data, (data["region"], data["period"], data["division"])

    def save(data: dict[str, Any], key: Any) -> str:
        region, period, division = key
        existing = PriceIndex.objects.filter(
            region=region, period=period, division=division
        ).first()
        if existing is None:
            price_index_create(by=by, data=data, rebuild=False)
            return "created"
        if not _changes(existing, data):
            return "unchanged"
        price_index_update(by=by, priceindex=existing, data=data, rebuild=False)
        return "updated"

    result, saved = _write_rows(sheet, by=by, form=spec.PRICE_INDEXES, parse=parse, save=save)
    if saved:
        deflate_again(min(data["period"] for data in saved))
    return result


def _month_of(value: object) -> date:
    if isinstance(value, date):
        return value.replace(day=1)
    try:
        return cells.date_of(value).replace(day=1)
    except cells.CellError:
        return Month.parse(cells.text_of(value)).first_day


# --- the kinds -----------------------------------------------------------------------------------


class NoUnitImportForm(ImportForm):
    """Rates and indexes are no money: the form asks for the file alone."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].widget = forms.HiddenInput()


RATES_IMPORT = ImportKind(
    kind="value-added-rates",
    spec=spec.RATES,
    write=write_rates,
    action="indicators.valueaddedrate.add",
    refusal=gettext_lazy("Value-added rates are imported by the statistics office."),
    template=RATES_TEMPLATE,
    template_url="indicators:value-added-rate-import-template",
    units=(MoneyUnit.WAN,),
    form_class=NoUnitImportForm,
    page=ImportPage(
        title=gettext_lazy("Import value-added rates"),
        pretitle=gettext_lazy("Value-added rates"),
        pretitle_url="indicators:valueaddedrate-list",
        help=gettext_lazy(
            "One row per province, industry division and year: 省份 (blank: your zone's "
            "province), 行业代码, 年份, 增加值率 (0.2850 or 28.5%) and 来源. A rate already entered "
            "for the province, division and year is replaced. The template's second sheet "
            "explains every column."
        ),
        done=gettext_lazy(
            "%(rows)s rows read: %(created)s rates entered, %(updated)s changed, %(unchanged)s "
            "unchanged."
        ),
        done_link=("indicators:rates-in-force", gettext_lazy("Rates in force")),
    ),
)
PRICE_INDEX_IMPORT = ImportKind(
    kind="price-indexes",
    spec=spec.PRICE_INDEXES,
    write=write_price_indexes,
    action="indicators.priceindex.add",
    refusal=gettext_lazy("Price indexes are imported by the statistics office."),
    template=PRICE_INDEX_TEMPLATE,
    template_url="indicators:price-index-import-template",
    units=(MoneyUnit.WAN,),
    form_class=NoUnitImportForm,
    page=ImportPage(
        title=gettext_lazy("Import price indexes"),
        pretitle=gettext_lazy("Price indexes"),
        pretitle_url="indicators:priceindex-list",
        help=gettext_lazy(
            "One row per province, month and industry division: 省份 (blank: your zone's "
            "province), 月份, 行业代码 (blank: all industry), 指数 (same month last year = 100) and "
            "来源. An index already entered for the province, month and division is replaced."
        ),
        done=gettext_lazy(
            "%(rows)s rows read: %(created)s indexes entered, %(updated)s changed, %(unchanged)s "
            "unchanged."
        ),
        done_link=("indicators:priceindex-list", gettext_lazy("Price indexes")),
    ),
)
# rates_import(*, by, file, filename): enter or replace the rates of a file, or change nothing
# and return every error with its row number; price_indexes_import the same for indexes.
rates_import = RATES_IMPORT.run
price_indexes_import = PRICE_INDEX_IMPORT.run
